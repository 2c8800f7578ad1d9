using System;

namespace McpGen;

/// <summary>
/// Exposes a method of an <see cref="McpServerAttribute"/> class as an MCP resource: a fixed URI
/// (<c>"config://app/settings"</c>) or an RFC 6570 level-1 URI template (<c>"weather://{city}/forecast"</c>), whose
/// variables bind to the method's parameters of the same name.
/// </summary>
/// <remarks>
/// The method returns the contents: <c>string</c> (text), <c>byte[]</c> or <c>ReadOnlyMemory&lt;byte&gt;</c> (blob),
/// <see cref="ResourceContents"/> or a list of them, or a <c>Task</c>/<c>ValueTask</c> of those. The description comes from
/// the XML <c>&lt;summary&gt;</c> or <c>[Description]</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class McpResourceAttribute(string uriTemplate) : Attribute
{
    /// <summary>The resource URI, or a URI template with <c>{variable}</c> expressions.</summary>
    public string UriTemplate { get; } = uriTemplate;

    /// <summary>The resource name; defaults to the method name in snake_case.</summary>
    public string? Name { get; set; }

    /// <summary>A human-readable title.</summary>
    public string? Title { get; set; }

    /// <summary>The MIME type of the contents, such as <c>text/plain</c>.</summary>
    public string? MimeType { get; set; }

    /// <summary>Whether clients may subscribe to updates of this resource.</summary>
    public bool Subscribable { get; set; }
}
