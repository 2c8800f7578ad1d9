using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace McpGen.Sessions;

/// <summary>
/// The sessions of one endpoint as this replica reads them. Store-backed servers keep a copy for
/// <see cref="McpSessionOptions.StoreCacheDuration"/> (one store round trip per session and replica in that time instead
/// of one per request); a change or end of the session on any replica evicts the copies everywhere through the
/// backplane's <c>sessions</c> channel. Sticky servers read their in-memory store directly.
/// </summary>
internal sealed class CachedSessionStore(IMcpSessionStore store, IMcpBackplane backplane, long cacheTicks)
{
    /// <summary>The backplane channel that tells every replica a session changed or ended (its cached copy is stale).</summary>
    public const string InvalidateChannel = "sessions";

    private readonly ConcurrentDictionary<string, CachedSession> _cache = new(StringComparer.Ordinal);

    /// <summary>A session as loaded from a shared store, with when (<see cref="Environment.TickCount64"/>).</summary>
    private sealed record CachedSession(McpSessionState State, long LoadedAt);

    /// <summary>Whether copies are kept (store-backed servers with a cache duration).</summary>
    public bool Caches => cacheTicks > 0;

    public IMcpSessionStore Store => store;

    /// <summary>Drops every copy: what was cached while no invalidation could arrive is suspect.</summary>
    public void Clear() => _cache.Clear();

    /// <summary>Drops the copies older than the cache duration.</summary>
    public void EvictStale()
    {
        long now = Environment.TickCount64;
        foreach (var entry in _cache)
        {
            if (now - entry.Value.LoadedAt >= cacheTicks)
            {
                _cache.TryRemove(entry);
            }
        }
    }

    /// <summary>
    /// Loads a session. Store-backed servers keep a copy for <see cref="McpSessionOptions.StoreCacheDuration"/> (one store
    /// round trip per session and replica in that time instead of one per request); a change or end of the session on
    /// any replica evicts the copies everywhere through the backplane. Callers get their own copy to change.
    /// </summary>
    public async ValueTask<McpSessionState?> LoadAsync(string sessionId, bool touch, CancellationToken cancellationToken)
    {
        if (cacheTicks > 0 && _cache.TryGetValue(sessionId, out CachedSession? cached)
            && Environment.TickCount64 - cached.LoadedAt < cacheTicks)
        {
            return McpSessionStateJson.Clone(cached.State);
        }

        McpSessionState? session = await store.GetAsync(sessionId, touch, cancellationToken).ConfigureAwait(false);
        if (cacheTicks > 0)
        {
            if (session is null)
            {
                _cache.TryRemove(sessionId, out _);
            }
            else if (touch)
            {
                // Only a touching read may be cached: it moved the idle expiry, which the cache then stands for.
                _cache[sessionId] = new CachedSession(McpSessionStateJson.Clone(session), Environment.TickCount64);
            }
        }

        return session;
    }

    /// <summary>Persists a changed session and tells every replica to drop its cached copy (a conflict drops this replica's, which was stale).</summary>
    public async ValueTask<McpSessionUpdate> UpdateAsync(McpSessionState session, CancellationToken cancellationToken)
    {
        McpSessionUpdate result = await store.UpdateAsync(session, cancellationToken).ConfigureAwait(false);
        if (result == McpSessionUpdate.Conflict)
        {
            _cache.TryRemove(session.Id, out _);
        }
        else
        {
            await InvalidateAsync(session.Id, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public async ValueTask InvalidateAsync(string sessionId, CancellationToken cancellationToken)
    {
        _cache.TryRemove(sessionId, out _);
        if (cacheTicks > 0)
        {
            await backplane.PublishAsync(InvalidateChannel, System.Text.Encoding.UTF8.GetBytes(sessionId), cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask OnInvalidate(ReadOnlyMemory<byte> payload)
    {
        _cache.TryRemove(System.Text.Encoding.UTF8.GetString(payload.Span), out _);
        return ValueTask.CompletedTask;
    }

}
