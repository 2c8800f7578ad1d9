using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Sessions;

/// <summary>
/// Where <c>initialize</c>-era sessions and their SSE event logs live. Sticky servers use the in-process
/// <see cref="InMemoryMcpSessionStore"/>; store-backed servers use a store every replica shares (PostgreSQL with
/// <c>McpGen.PostgreSql</c>), so any replica can serve any request of any session.
/// </summary>
/// <remarks>
/// <para>
/// Expiry is sliding: <see cref="GetAsync"/> with <c>touch</c> moves <see cref="McpSessionState.LastSeenAt"/>; a session
/// idle longer than the timeout it was created with is gone (<see cref="GetAsync"/> returns <see langword="null"/>) and
/// <see cref="RemoveExpiredAsync"/> deletes it with its events.
/// </para>
/// <para>
/// A store that cannot reach its backing service throws <see cref="McpStoreUnavailableException"/>; the endpoint answers
/// 503 with <c>Retry-After</c>. Implementations are thread-safe.
/// </para>
/// </remarks>
public interface IMcpSessionStore
{
    /// <summary>Stores a new session. Returns <see langword="false"/> when the store already holds <paramref name="maxSessions"/> live sessions.</summary>
    /// <param name="session">The session; its <see cref="McpSessionState.Id"/> is new.</param>
    /// <param name="idleTimeout">How long the session lives without a request.</param>
    /// <param name="maxSessions">The most live sessions the store may hold (0: no limit).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<bool> CreateAsync(McpSessionState session, TimeSpan idleTimeout, int maxSessions, CancellationToken cancellationToken);

    /// <summary>Loads a live session, or <see langword="null"/> when it is unknown, deleted or expired.</summary>
    /// <param name="sessionId">The <c>Mcp-Session-Id</c>.</param>
    /// <param name="touch">Whether to record a request now (slides the idle expiry).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<McpSessionState?> GetAsync(string sessionId, bool touch, CancellationToken cancellationToken);

    /// <summary>
    /// Persists a changed snapshot (log level, subscriptions, items) when the stored session still has
    /// <see cref="McpSessionState.Version"/>; the snapshot then carries the new version. Another writer's update since the
    /// snapshot was read gives <see cref="McpSessionUpdate.Conflict"/> and writes nothing: read the session again, apply the
    /// change to it, and update again (the runtime does this for its own changes).
    /// </summary>
    ValueTask<McpSessionUpdate> UpdateAsync(McpSessionState session, CancellationToken cancellationToken);

    /// <summary>Deletes a session and its events. Returns <see langword="false"/> when it did not exist.</summary>
    ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends one SSE event (a complete JSON-RPC message) to a stream of a session and returns its sequence number:
    /// 1 for the stream's first event, then consecutive. Only the last <paramref name="capacity"/> events of a stream are
    /// kept. <paramref name="last"/> marks the stream's final event (the response that ends a request stream). Returns 0
    /// when the session does not exist (deleted, or removed after expiry): nothing was stored.
    /// </summary>
    ValueTask<long> AppendEventAsync(string sessionId, string streamId, ReadOnlyMemory<byte> message, bool last, int capacity, CancellationToken cancellationToken);

    /// <summary>Reads the retained events of a stream with a sequence number above <paramref name="afterSequence"/>, in order.</summary>
    ValueTask<IReadOnlyList<McpStoredEvent>> ReadEventsAsync(string sessionId, string streamId, long afterSequence, CancellationToken cancellationToken);

    /// <summary>Deletes sessions idle past their timeout, with their events; returns how many.</summary>
    ValueTask<int> RemoveExpiredAsync(CancellationToken cancellationToken);
}

/// <summary>What <see cref="IMcpSessionStore.UpdateAsync"/> did.</summary>
public enum McpSessionUpdate
{
    /// <summary>The snapshot was written; its <see cref="McpSessionState.Version"/> is the stored one.</summary>
    Updated,

    /// <summary>The session is gone (deleted, or expired): nothing was written.</summary>
    NotFound,

    /// <summary>The session was updated by another writer since the snapshot was read: nothing was written.</summary>
    Conflict,
}

/// <summary>One retained SSE event of a session stream.</summary>
/// <param name="Sequence">Its position in the stream (1-based, consecutive).</param>
/// <param name="Message">The JSON-RPC message (UTF-8 JSON).</param>
/// <param name="Last">Whether it ends the stream (the response of a request stream).</param>
public readonly record struct McpStoredEvent(long Sequence, ReadOnlyMemory<byte> Message, bool Last);

/// <summary>The session store or backplane cannot reach its backing service; the request gets 503 with <c>Retry-After</c>.</summary>
public sealed class McpStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public McpStoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>When the client should retry.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(2);
}
