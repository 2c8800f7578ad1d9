using System;

namespace McpGen;

/// <summary>
/// An icon clients may show for the server (on the <see cref="McpServerAttribute"/> class) or for a tool, resource or
/// prompt (on its method). Repeat the attribute to offer several sizes or themes; they are listed in declaration order.
/// </summary>
/// <remarks>
/// Icons are part of the MCP schema from protocol version 2025-11-25: list entries carry them for every client (no
/// earlier schema forbids the member, and older clients ignore it), and <c>serverInfo</c> carries them for clients that
/// negotiated 2025-11-25 or later. Clients must refuse icon sources other than <c>https:</c> and <c>data:</c> URIs, so
/// anything else is a build error (MCPG0030).
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class McpIconAttribute : Attribute
{
    /// <summary>An icon at <paramref name="src"/>.</summary>
    /// <param name="src">An absolute <c>https://</c> URL of the image, or a <c>data:image/...;base64,...</c> URI.</param>
    public McpIconAttribute(string src)
    {
        Src = src;
    }

    /// <summary>The image URI: <c>https://</c> or <c>data:</c>.</summary>
    public string Src { get; }

    /// <summary>The image MIME type (<c>image/png</c>, <c>image/svg+xml</c>...), when the URL does not make it clear.</summary>
    public string? MimeType { get; set; }

    /// <summary>The sizes the image suits, each <c>WxH</c> (<c>48x48</c>) or <c>any</c> (scalable images).</summary>
    public string[]? Sizes { get; set; }

    /// <summary>The background the icon is designed for; <see cref="McpIconTheme.Any"/> (the default) says nothing.</summary>
    public McpIconTheme Theme { get; set; }
}

/// <summary>The background an <see cref="McpIconAttribute"/> icon is designed for (its <c>theme</c>).</summary>
public enum McpIconTheme
{
    /// <summary>Any background: no <c>theme</c> is sent.</summary>
    Any = 0,

    /// <summary>A light background (<c>"light"</c>).</summary>
    Light = 1,

    /// <summary>A dark background (<c>"dark"</c>).</summary>
    Dark = 2,
}
