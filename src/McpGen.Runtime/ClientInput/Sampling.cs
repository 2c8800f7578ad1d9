using System;
using System.Collections.Generic;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen;

/// <summary>One message of a sampling conversation: a role and one content block (text, image or audio).</summary>
/// <param name="Role">Who says it.</param>
/// <param name="Content">What is said.</param>
public sealed record SamplingMessage(McpRole Role, ContentBlock Content)
{
    /// <summary>A user message with one text block.</summary>
    public static SamplingMessage User(string text) => new(McpRole.User, new TextContent(text));

    /// <summary>An assistant message with one text block.</summary>
    public static SamplingMessage Assistant(string text) => new(McpRole.Assistant, new TextContent(text));
}

/// <summary>Which context the client should add to a sampling request (<c>includeContext</c>).</summary>
public enum SamplingContext
{
    /// <summary>No context (the default; the only value clients must honour).</summary>
    None,

    /// <summary>Context from this server (deprecated; sent only when the client declares <c>sampling.context</c>).</summary>
    ThisServer,

    /// <summary>Context from every server the client is connected to (deprecated, like <see cref="ThisServer"/>).</summary>
    AllServers,
}

/// <summary>Advisory preferences for the model the client picks (<c>modelPreferences</c>); every member is optional.</summary>
public sealed class ModelPreferences
{
    /// <summary>Model name hints, in order of preference (substrings such as <c>claude-3-5-sonnet</c> or <c>sonnet</c>).</summary>
    public IList<string> Hints { get; init; } = new List<string>();

    /// <summary>How much cost matters, from 0 to 1.</summary>
    public double? CostPriority { get; init; }

    /// <summary>How much speed matters, from 0 to 1.</summary>
    public double? SpeedPriority { get; init; }

    /// <summary>How much intelligence matters, from 0 to 1.</summary>
    public double? IntelligencePriority { get; init; }
}

/// <summary>A request to the client's language model (<c>sampling/createMessage</c>).</summary>
public sealed class CreateMessageRequest
{
    /// <summary>The conversation so far.</summary>
    public IList<SamplingMessage> Messages { get; init; } = new List<SamplingMessage>();

    /// <summary>The most tokens to sample (required by the protocol). Default 1000.</summary>
    public int MaxTokens { get; init; } = 1000;

    /// <summary>A system prompt; the client may change or omit it.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>The sampling temperature.</summary>
    public double? Temperature { get; init; }

    /// <summary>Sequences that stop sampling.</summary>
    public IList<string>? StopSequences { get; init; }

    /// <summary>Preferences for the model the client picks.</summary>
    public ModelPreferences? ModelPreferences { get; init; }

    /// <summary>Which context the client should add (omitted when <see cref="SamplingContext.None"/>).</summary>
    public SamplingContext IncludeContext { get; init; }

    /// <summary>A request with one user text message.</summary>
    /// <param name="prompt">The user message.</param>
    /// <param name="maxTokens">The most tokens to sample.</param>
    public static CreateMessageRequest FromPrompt(string prompt, int maxTokens = 1000)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new CreateMessageRequest { Messages = [SamplingMessage.User(prompt)], MaxTokens = maxTokens };
    }
}

/// <summary>What the client's language model answered (<c>CreateMessageResult</c>).</summary>
/// <param name="Role">Who the message is from (normally the assistant).</param>
/// <param name="Content">The generated content: text, image or audio (the first block when the client sent several).</param>
/// <param name="Model">The model that generated it.</param>
/// <param name="StopReason">Why sampling stopped, when known (<c>endTurn</c>, <c>stopSequence</c>, <c>maxTokens</c>...).</param>
public sealed record CreateMessageResult(McpRole Role, ContentBlock Content, string Model, string? StopReason)
{
    /// <summary>The text of <see cref="Content"/>, or <see langword="null"/> when it is not text.</summary>
    public string? Text => (Content as TextContent)?.Text;
}

/// <summary>A root the client exposes to the server (<c>roots/list</c>): a directory or file.</summary>
/// <param name="Uri">The root's URI (<c>file://</c> for now).</param>
/// <param name="Name">A human-readable name, when the client gave one.</param>
public sealed record McpRoot(string Uri, string? Name = null);

/// <summary>A capability a client declares (<c>clientCapabilities</c>), as <see cref="McpRequestContext.ClientSupports"/> checks it.</summary>
public enum McpClientCapability
{
    /// <summary>Form elicitation (<c>elicitation</c>, or <c>elicitation.form</c>).</summary>
    FormElicitation,

    /// <summary>URL elicitation (<c>elicitation.url</c>).</summary>
    UrlElicitation,

    /// <summary>Sampling (<c>sampling</c>).</summary>
    Sampling,

    /// <summary>Roots (<c>roots</c>).</summary>
    Roots,
}
