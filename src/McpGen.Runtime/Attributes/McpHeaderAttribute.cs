using System;

namespace McpGen;

/// <summary>
/// Mirrors a tool argument into the HTTP header <c>Mcp-Param-{Name}</c> (the <c>x-mcp-header</c> schema extension of
/// protocol version 2026-07-28), so load balancers and gateways can route on it without reading the body.
/// </summary>
/// <example><c>public string Query([McpHeader("Region")] string region, string sql)</c> makes clients send <c>Mcp-Param-Region: us-west1</c>.</example>
/// <remarks>
/// Clients send the header when the argument has a value; the endpoint checks that it matches the body (after
/// <c>=?base64?...?=</c> decoding) and answers 400 with <c>HeaderMismatch</c> (-32020) when it is missing, malformed or
/// different. The parameter must be a string, an integer type up to 32 bits, a boolean, or a type read from a JSON string
/// (enum, <see cref="Guid"/>, dates...); the name must be an HTTP token, unique in the tool regardless of case (MCPG0033).
/// Header values are visible to every intermediary: do not mirror secrets.
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class McpHeaderAttribute : Attribute
{
    /// <summary>Mirrors the parameter into <c>Mcp-Param-<paramref name="name"/></c>.</summary>
    /// <param name="name">The header name after <c>Mcp-Param-</c>, such as <c>Region</c>.</param>
    public McpHeaderAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The header name after <c>Mcp-Param-</c>.</summary>
    public string Name { get; }
}
