using System;
using System.Threading.Tasks;

namespace McpGen;

/// <summary>Reads one resource (fixed or templated): writes its contents. Emitted by the generator.</summary>
/// <param name="context">The read: <see cref="McpHandlerContext.ResourceUri"/>, services, request and the contents writer.</param>
public delegate ValueTask McpResourceHandler(McpHandlerContext context);

/// <summary>The compile-time description of one resource or resource template, produced by the McpGen generator.</summary>
public sealed class McpResourceDefinition
{
    /// <summary>Creates a resource definition. Called by generated code only.</summary>
    /// <param name="uriOrTemplate">The fixed URI, or the URI template.</param>
    /// <param name="isTemplate">Whether <paramref name="uriOrTemplate"/> is a template (listed by <c>resources/templates/list</c>).</param>
    /// <param name="json">The UTF-8 JSON of the <c>Resource</c> (or <c>ResourceTemplate</c>) object, as the list reports it.</param>
    /// <param name="handler">The generated reader.</param>
    /// <param name="subscribable">Whether clients may subscribe to updates.</param>
    /// <param name="features">What the reader may send besides its contents.</param>
    public McpResourceDefinition(string uriOrTemplate, bool isTemplate, byte[] json, McpResourceHandler handler, bool subscribable = false, McpHandlerFeatures features = McpHandlerFeatures.None)
    {
        ArgumentNullException.ThrowIfNull(uriOrTemplate);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(handler);
        UriOrTemplate = uriOrTemplate;
        IsTemplate = isTemplate;
        Json = json;
        Handler = handler;
        Subscribable = subscribable;
        Features = features;
    }

    /// <summary>What the reader may send besides its contents (progress, log messages, requests to the client).</summary>
    public McpHandlerFeatures Features { get; }

    /// <summary>The fixed URI, or the URI template.</summary>
    public string UriOrTemplate { get; }

    /// <summary>Whether this is a template.</summary>
    public bool IsTemplate { get; }

    /// <summary>The UTF-8 JSON of the list entry.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>The generated reader.</summary>
    public McpResourceHandler Handler { get; }

    /// <summary>Whether clients may subscribe to updates.</summary>
    public bool Subscribable { get; }

    /// <summary>Who may read the resource and see it in its list; <see langword="null"/> when anyone may.</summary>
    public McpAuthorization? Authorization { get; init; }
}

/// <summary>Renders one prompt: binds its string arguments and writes the messages. Emitted by the generator.</summary>
public delegate ValueTask McpPromptHandler(McpHandlerContext context);

/// <summary>The compile-time description of one prompt, produced by the McpGen generator.</summary>
public sealed class McpPromptDefinition
{
    /// <summary>Creates a prompt definition. Called by generated code only.</summary>
    /// <param name="name">The prompt name.</param>
    /// <param name="json">The UTF-8 JSON of the <c>Prompt</c> object (name, title, description, arguments).</param>
    /// <param name="handler">The generated renderer.</param>
    /// <param name="features">What the renderer may send besides its messages.</param>
    public McpPromptDefinition(string name, byte[] json, McpPromptHandler handler, McpHandlerFeatures features = McpHandlerFeatures.None)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(handler);
        Name = name;
        Json = json;
        Handler = handler;
        Features = features;
    }

    /// <summary>What the renderer may send besides its messages (progress, log messages, requests to the client).</summary>
    public McpHandlerFeatures Features { get; }

    /// <summary>The prompt name.</summary>
    public string Name { get; }

    /// <summary>The UTF-8 JSON of the list entry.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>The generated renderer.</summary>
    public McpPromptHandler Handler { get; }

    /// <summary>Who may get the prompt and see it in <c>prompts/list</c>; <see langword="null"/> when anyone may.</summary>
    public McpAuthorization? Authorization { get; init; }
}

/// <summary>
/// Suggests completions for a partial <paramref name="value"/>. Emitted by the generator around a
/// <see cref="McpCompletionAttribute"/> method; the transport caps, counts and writes the values.
/// </summary>
public delegate ValueTask<System.Collections.Generic.IEnumerable<string>> McpCompletionHandler(McpCompletionContext context, string value, System.Threading.CancellationToken cancellationToken);
