using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Sessions;

/// <summary>
/// The in-process <see cref="IMcpSessionStore"/>: the store of sticky servers, and of store-backed servers that run as
/// one process (or in tests). Hands out copies, like a database would, so a change is persisted only by
/// <see cref="UpdateAsync"/>.
/// </summary>
public sealed class InMemoryMcpSessionStore : IMcpSessionStore
{
    private readonly ConcurrentDictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private int _count;

    /// <summary>Creates an empty store on the system clock.</summary>
    public InMemoryMcpSessionStore()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates an empty store on <paramref name="time"/>.</summary>
    public InMemoryMcpSessionStore(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>How many sessions the store holds (expired ones included until removed).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc/>
    public ValueTask<bool> CreateAsync(McpSessionState session, TimeSpan idleTimeout, int maxSessions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (maxSessions > 0 && Interlocked.Increment(ref _count) > maxSessions)
        {
            // Full: make room from expired sessions once before refusing.
            Interlocked.Decrement(ref _count);
            RemoveExpired();
            if (Interlocked.Increment(ref _count) > maxSessions)
            {
                Interlocked.Decrement(ref _count);
                return ValueTask.FromResult(false);
            }
        }
        else if (maxSessions <= 0)
        {
            Interlocked.Increment(ref _count);
        }

        DateTimeOffset now = _time.GetUtcNow();
        McpSessionState copy = McpSessionStateJson.Clone(session);
        copy.CreatedAt = copy.CreatedAt == default ? now : copy.CreatedAt;
        copy.LastSeenAt = now;
        if (!_sessions.TryAdd(session.Id, new Entry(copy, idleTimeout)))
        {
            Interlocked.Decrement(ref _count);
            throw new InvalidOperationException($"Session id collision: '{session.Id}' already exists.");
        }

        return ValueTask.FromResult(true);
    }

    /// <inheritdoc/>
    public ValueTask<McpSessionState?> GetAsync(string sessionId, bool touch, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(sessionId, out Entry? entry))
        {
            return ValueTask.FromResult<McpSessionState?>(null);
        }

        DateTimeOffset now = _time.GetUtcNow();
        lock (entry)
        {
            if (entry.IsExpired(now))
            {
                return ValueTask.FromResult<McpSessionState?>(null);
            }

            if (touch)
            {
                entry.State.LastSeenAt = now;
            }

            return ValueTask.FromResult<McpSessionState?>(McpSessionStateJson.Clone(entry.State));
        }
    }

    /// <inheritdoc/>
    public ValueTask<McpSessionUpdate> UpdateAsync(McpSessionState session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!_sessions.TryGetValue(session.Id, out Entry? entry))
        {
            return ValueTask.FromResult(McpSessionUpdate.NotFound);
        }

        lock (entry)
        {
            if (entry.IsExpired(_time.GetUtcNow()))
            {
                return ValueTask.FromResult(McpSessionUpdate.NotFound);
            }

            if (entry.State.Version != session.Version)
            {
                return ValueTask.FromResult(McpSessionUpdate.Conflict);
            }

            DateTimeOffset lastSeen = entry.State.LastSeenAt;
            session.Version++;
            entry.State = McpSessionStateJson.Clone(session);
            entry.State.LastSeenAt = lastSeen > session.LastSeenAt ? lastSeen : session.LastSeenAt;
            return ValueTask.FromResult(McpSessionUpdate.Updated);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (_sessions.TryRemove(sessionId, out _))
        {
            Interlocked.Decrement(ref _count);
            return ValueTask.FromResult(true);
        }

        return ValueTask.FromResult(false);
    }

    /// <inheritdoc/>
    public ValueTask<long> AppendEventAsync(string sessionId, string streamId, ReadOnlyMemory<byte> message, bool last, int capacity, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(sessionId, out Entry? entry))
        {
            return ValueTask.FromResult(0L);
        }

        lock (entry)
        {
            entry.Streams ??= new Dictionary<string, EventLog>(StringComparer.Ordinal);
            if (!entry.Streams.TryGetValue(streamId, out EventLog? log))
            {
                entry.Streams[streamId] = log = new EventLog();
            }

            long sequence = ++log.LastSequence;
            log.Events.Enqueue(new McpStoredEvent(sequence, message.ToArray(), last));
            while (capacity > 0 && log.Events.Count > capacity)
            {
                log.Events.Dequeue();
            }

            return ValueTask.FromResult(sequence);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<McpStoredEvent>> ReadEventsAsync(string sessionId, string streamId, long afterSequence, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(sessionId, out Entry? entry))
        {
            return ValueTask.FromResult<IReadOnlyList<McpStoredEvent>>([]);
        }

        lock (entry)
        {
            if (entry.Streams is null || !entry.Streams.TryGetValue(streamId, out EventLog? log))
            {
                return ValueTask.FromResult<IReadOnlyList<McpStoredEvent>>([]);
            }

            var events = new List<McpStoredEvent>();
            foreach (McpStoredEvent item in log.Events)
            {
                if (item.Sequence > afterSequence)
                {
                    events.Add(item);
                }
            }

            return ValueTask.FromResult<IReadOnlyList<McpStoredEvent>>(events);
        }
    }

    /// <inheritdoc/>
    public ValueTask<int> RemoveExpiredAsync(CancellationToken cancellationToken) => ValueTask.FromResult(RemoveExpired());

    private int RemoveExpired()
    {
        DateTimeOffset now = _time.GetUtcNow();
        int removed = 0;
        foreach (KeyValuePair<string, Entry> pair in _sessions)
        {
            bool expired;
            lock (pair.Value)
            {
                expired = pair.Value.IsExpired(now);
            }

            if (expired && _sessions.TryRemove(pair))
            {
                Interlocked.Decrement(ref _count);
                removed++;
            }
        }

        return removed;
    }

    private sealed class Entry(McpSessionState state, TimeSpan idleTimeout)
    {
        public McpSessionState State { get; set; } = state;

        public Dictionary<string, EventLog>? Streams { get; set; }

        public bool IsExpired(DateTimeOffset now) => idleTimeout > TimeSpan.Zero && now - State.LastSeenAt > idleTimeout;
    }

    private sealed class EventLog
    {
        public long LastSequence { get; set; }

        public Queue<McpStoredEvent> Events { get; } = new();
    }
}
