using System;
using System.Collections.Generic;
using System.Text.Json;

namespace McpGen;

/// <summary>Who a piece of content is meant for.</summary>
public enum McpRole
{
    /// <summary>The user.</summary>
    User,

    /// <summary>The assistant (the model).</summary>
    Assistant,
}

/// <summary>Optional hints on a content block: audience, priority and last modification time.</summary>
public sealed class ContentAnnotations
{
    /// <summary>Who the content is meant for.</summary>
    public IReadOnlyList<McpRole>? Audience { get; init; }

    /// <summary>How important the content is, from 0 (least) to 1 (most).</summary>
    public double? Priority { get; init; }

    /// <summary>When the underlying data last changed.</summary>
    public DateTimeOffset? LastModified { get; init; }

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("annotations");
        if (Audience is { } audience)
        {
            writer.WriteStartArray("audience");
            foreach (McpRole role in audience)
            {
                writer.WriteStringValue(role == McpRole.User ? "user" : "assistant");
            }

            writer.WriteEndArray();
        }

        if (Priority is { } priority)
        {
            writer.WriteNumber("priority", priority);
        }

        if (LastModified is { } lastModified)
        {
            writer.WriteString("lastModified", lastModified);
        }

        writer.WriteEndObject();
    }
}

/// <summary>One item of a tool result's <c>content</c> array (text, image, audio, embedded resource or resource link).</summary>
public abstract class ContentBlock
{
    private protected ContentBlock()
    {
    }

    /// <summary>Optional audience, priority and modification hints.</summary>
    public ContentAnnotations? Annotations { get; init; }

    /// <summary>Writes the block as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteMembers(writer);
        Annotations?.WriteTo(writer);
        writer.WriteEndObject();
    }

    private protected abstract void WriteMembers(Utf8JsonWriter writer);

    /// <summary>Text content.</summary>
    public static implicit operator ContentBlock(string text) => new TextContent(text);
}

/// <summary>A text content block.</summary>
public sealed class TextContent(string text) : ContentBlock
{
    /// <summary>The text.</summary>
    public string Text { get; } = text ?? throw new ArgumentNullException(nameof(text));

    private protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "text");
        writer.WriteString("text", Text);
    }
}

/// <summary>An image content block: raw bytes and their MIME type (sent base64-encoded).</summary>
public sealed class ImageContent(ReadOnlyMemory<byte> data, string mimeType) : ContentBlock
{
    /// <summary>The image bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;

    /// <summary>The MIME type, such as <c>image/png</c>.</summary>
    public string MimeType { get; } = mimeType ?? throw new ArgumentNullException(nameof(mimeType));

    private protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "image");
        writer.WriteBase64String("data", Data.Span);
        writer.WriteString("mimeType", MimeType);
    }
}

/// <summary>An audio content block: raw bytes and their MIME type (sent base64-encoded).</summary>
public sealed class AudioContent(ReadOnlyMemory<byte> data, string mimeType) : ContentBlock
{
    /// <summary>The audio bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;

    /// <summary>The MIME type, such as <c>audio/wav</c>.</summary>
    public string MimeType { get; } = mimeType ?? throw new ArgumentNullException(nameof(mimeType));

    private protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "audio");
        writer.WriteBase64String("data", Data.Span);
        writer.WriteString("mimeType", MimeType);
    }
}

/// <summary>A resource embedded in a result, with its contents.</summary>
public sealed class EmbeddedResource(ResourceContents resource) : ContentBlock
{
    /// <summary>The resource contents (text or blob).</summary>
    public ResourceContents Resource { get; } = resource ?? throw new ArgumentNullException(nameof(resource));

    private protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "resource");
        writer.WritePropertyName("resource");
        Resource.WriteTo(writer);
    }
}

/// <summary>A link to a resource the client may read or subscribe to.</summary>
public sealed class ResourceLink(string uri, string name) : ContentBlock
{
    /// <summary>The resource URI.</summary>
    public string Uri { get; } = uri ?? throw new ArgumentNullException(nameof(uri));

    /// <summary>The resource name.</summary>
    public string Name { get; } = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>A human-readable title.</summary>
    public string? Title { get; init; }

    /// <summary>A description of the resource.</summary>
    public string? Description { get; init; }

    /// <summary>The MIME type, if known.</summary>
    public string? MimeType { get; init; }

    /// <summary>The size in bytes, if known.</summary>
    public long? Size { get; init; }

    private protected override void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("type", "resource_link");
        writer.WriteString("uri", Uri);
        writer.WriteString("name", Name);
        if (Title is not null)
        {
            writer.WriteString("title", Title);
        }

        if (Description is not null)
        {
            writer.WriteString("description", Description);
        }

        if (MimeType is not null)
        {
            writer.WriteString("mimeType", MimeType);
        }

        if (Size is { } size)
        {
            writer.WriteNumber("size", size);
        }
    }
}

/// <summary>The contents of a resource: text or binary.</summary>
public abstract class ResourceContents
{
    private protected ResourceContents(string uri, string? mimeType)
    {
        Uri = uri ?? throw new ArgumentNullException(nameof(uri));
        MimeType = mimeType;
    }

    /// <summary>The resource URI.</summary>
    public string Uri { get; }

    /// <summary>The MIME type, if known.</summary>
    public string? MimeType { get; }

    /// <summary>Writes the contents as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("uri", Uri);
        if (MimeType is not null)
        {
            writer.WriteString("mimeType", MimeType);
        }

        WriteBody(writer);
        writer.WriteEndObject();
    }

    private protected abstract void WriteBody(Utf8JsonWriter writer);
}

/// <summary>Text resource contents.</summary>
public sealed class TextResourceContents(string uri, string text, string? mimeType = null) : ResourceContents(uri, mimeType)
{
    /// <summary>The text.</summary>
    public string Text { get; } = text ?? throw new ArgumentNullException(nameof(text));

    private protected override void WriteBody(Utf8JsonWriter writer) => writer.WriteString("text", Text);
}

/// <summary>Binary resource contents (sent base64-encoded).</summary>
public sealed class BlobResourceContents(string uri, ReadOnlyMemory<byte> blob, string? mimeType = null) : ResourceContents(uri, mimeType)
{
    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Blob { get; } = blob;

    private protected override void WriteBody(Utf8JsonWriter writer) => writer.WriteBase64String("blob", Blob.Span);
}
