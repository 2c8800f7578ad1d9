using System;

namespace McpGen;

/// <summary>
/// Throw from a tool to report a tool error whose message the client's model may see: the call returns
/// <c>isError: true</c> with <see cref="Exception.Message"/>. Any other exception type (except
/// <see cref="ArgumentException"/>, treated the same way) becomes a generic error message and is logged on the server.
/// </summary>
public class McpToolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public McpToolException()
    {
    }

    /// <summary>Creates the exception with a message the client will see.</summary>
    public McpToolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message the client will see and an inner exception that it will not.</summary>
    public McpToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
