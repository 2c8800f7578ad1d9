using System;

namespace McpGen;

/// <summary>
/// Throw from a handler to answer with a JSON-RPC error instead of a result: the call's response is the error
/// <c>{code, message}</c> (a tool's other errors are <c>isError</c> results), and a task ends <c>failed</c> with it (the
/// Tasks extension keeps <c>failed</c> for JSON-RPC errors; a tool error ends a task <c>completed</c> with
/// <c>isError: true</c>). The message is sent to the client.
/// </summary>
public class McpJsonRpcException : McpException
{
    /// <summary>Creates the exception with -32603 (internal error).</summary>
    /// <param name="message">The error message the client sees.</param>
    public McpJsonRpcException(string message)
        : this(message, McpGen.Protocol.JsonRpcErrorCodes.InternalError)
    {
    }

    /// <summary>Creates the exception with a JSON-RPC error code.</summary>
    /// <param name="message">The error message the client sees.</param>
    /// <param name="code">The JSON-RPC error code, such as -32603 (internal error) or -32602 (invalid params).</param>
    public McpJsonRpcException(string message, int code)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Creates the exception with a JSON-RPC error code and an inner exception the client does not see.</summary>
    public McpJsonRpcException(string message, int code, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }
}
