using System;

namespace McpGen;

/// <summary>
/// Throw from any handler (tool, resource reader, prompt renderer, completion) to report an error whose message the
/// client may see. A tool call answers <c>isError: true</c> with <see cref="Exception.Message"/>; <c>resources/read</c>,
/// <c>prompts/get</c> and <c>completion/complete</c> answer the JSON-RPC error -32602 (invalid params) with it.
/// <see cref="ArgumentException"/> is treated the same way. Any other exception becomes a generic message (a tool error,
/// or -32603 for the other kinds) and is logged on the server with its details, which the client never sees.
/// </summary>
public class McpException : Exception
{
    /// <summary>Creates the exception.</summary>
    public McpException()
    {
    }

    /// <summary>Creates the exception with a message the client will see.</summary>
    public McpException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message the client will see and an inner exception that it will not.</summary>
    public McpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Throw from a resource reader when the URI it was given names nothing (a template matched, but no such item exists):
/// the client gets the spec's resource-not-found error, -32002 for <c>initialize</c>-era requests and -32602 for
/// 2026-07-28 requests, both with <c>data: {"uri": ...}</c>, exactly as for a URI that matches no resource at all.
/// </summary>
public class McpResourceNotFoundException : McpException
{
    /// <summary>Creates the exception for <paramref name="uri"/>.</summary>
    /// <param name="uri">The URI that names no resource.</param>
    public McpResourceNotFoundException(string uri)
        : base($"Resource not found: '{uri}'. Call resources/list for the resources this server offers, or resources/templates/list for the URI templates it can read.")
    {
        Uri = uri;
    }

    /// <summary>Creates the exception for <paramref name="uri"/> with a message the client will see.</summary>
    /// <param name="uri">The URI that names no resource.</param>
    /// <param name="message">What the client is told.</param>
    public McpResourceNotFoundException(string uri, string message)
        : base(message)
    {
        Uri = uri;
    }

    /// <summary>The URI that names no resource.</summary>
    public string Uri { get; }
}
