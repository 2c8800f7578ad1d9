using System;
using System.Collections.Generic;

namespace McpGen.Tasks;

/// <summary>
/// One task as an <see cref="IMcpTaskStore"/> keeps it: what <c>tasks/get</c> reports, who may see it, what is still
/// asked of the client, and which replica runs it until when (the lease). Immutable: a change is a new record with
/// <see cref="Version"/> one higher, written with <see cref="IMcpTaskStore.TryReplaceAsync"/> (compare-and-swap).
/// </summary>
public sealed record McpTaskRecord
{
    /// <summary>The task id: at least 128 random bits (base64url), unguessable.</summary>
    public required string TaskId { get; init; }

    /// <summary>The MCP server the task belongs to (<c>[McpServer(Name)]</c>); a task is never visible to another server.</summary>
    public required string ServerName { get; init; }

    /// <summary>The digest of the caller's principal: only requests of the same principal find the task.</summary>
    public required string PrincipalKey { get; init; }

    /// <summary>The tool the task runs.</summary>
    public required string ToolName { get; init; }

    /// <summary>The tool's arguments (UTF-8 JSON object, or empty), kept for a re-run on another replica.</summary>
    public ReadOnlyMemory<byte> Arguments { get; init; }

    /// <summary>The client capabilities the creating request declared (UTF-8 JSON object), kept for a re-run.</summary>
    public ReadOnlyMemory<byte> ClientCapabilities { get; init; }

    /// <summary>The current status.</summary>
    public McpTaskStatus Status { get; init; }

    /// <summary>A message about the current status (a progress message, why it failed), or <see langword="null"/>.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>When the task was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the status, status message, input requests, result or error last changed.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>How long after <see cref="CreatedAt"/> the task may be discarded (<c>ttlMs</c>).</summary>
    public TimeSpan TimeToLive { get; init; }

    /// <summary>The polling interval suggested to clients (<c>pollIntervalMs</c>).</summary>
    public TimeSpan PollInterval { get; init; }

    /// <summary>When the task may be deleted: <see cref="CreatedAt"/> + <see cref="TimeToLive"/>.</summary>
    public DateTimeOffset ExpiresAt => CreatedAt + TimeToLive;

    /// <summary>The completed task's result (the <c>CallToolResult</c> object, UTF-8 JSON).</summary>
    public ReadOnlyMemory<byte> Result { get; init; }

    /// <summary>The failed task's JSON-RPC error object (<c>{code, message, data?}</c>, UTF-8 JSON).</summary>
    public ReadOnlyMemory<byte> Error { get; init; }

    /// <summary>The outstanding requests to the client: key to <c>{method, params}</c> (UTF-8 JSON each).</summary>
    public IReadOnlyDictionary<string, byte[]> InputRequests { get; init; } = Empty;

    /// <summary>
    /// Answers given with <c>tasks/update</c> that the running tool has not taken yet: key to the client's result
    /// (UTF-8 JSON each). The worker removes what it takes.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> InputResponses { get; init; } = Empty;

    /// <summary>The replica that runs the task, or <see langword="null"/> when none does (terminal tasks).</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Until when <see cref="LeaseOwner"/> holds the task; a live task past it has lost its worker.</summary>
    public DateTimeOffset LeaseExpiresAt { get; init; }

    /// <summary>How many times the task started running (1, more after re-runs of a rerunnable tool).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The store's version of the record: 1 when created, one more for each replacement.</summary>
    public long Version { get; init; } = 1;

    /// <summary>An empty map.</summary>
    public static IReadOnlyDictionary<string, byte[]> Empty { get; } = new Dictionary<string, byte[]>(StringComparer.Ordinal);
}
