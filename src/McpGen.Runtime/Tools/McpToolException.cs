using System;

namespace McpGen;

/// <summary>
/// Throw from a tool to report a tool error whose message the client's model may see: the call returns
/// <c>isError: true</c> with <see cref="Exception.Message"/>. The same as <see cref="McpException"/>, whose name fits
/// every handler kind; kept for existing tools.
/// </summary>
public class McpToolException : McpException
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
