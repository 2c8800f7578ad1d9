using System;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Streaming;
using Microsoft.Extensions.Logging;

namespace McpGen.Sessions;

/// <summary>
/// The calls this node (one endpoint's session runtime) runs with a resumable event stream, what other replicas need to
/// know about them, and who follows their streams. Kept in the session store, beside the session's event logs, so every
/// replica can read it:
/// <list type="bullet">
/// <item>the session's <c>calls</c> log (its last <see cref="IndexCapacity"/> entries): for each call, the node running it,
/// its stream id and its JSON-RPC id (written when the call starts), so <c>notifications/cancelled</c> goes to that node
/// and a replica resuming the stream knows which request it answers;</item>
/// <item>the lease <c>lease.{node}</c> of the session: renewed every third of
/// <see cref="McpSessionOptions.CallLeaseDuration"/> while the node runs a call of the session. A replica that resumed a
/// stream whose node stopped renewing answers the call with an error (the worker replica was lost) instead of waiting.</item>
/// </list>
/// Stream events reach a replica that resumed a stream from another node because it asks that node to send them
/// (<c>@{node}:follow</c>); the node then publishes each event of the stream on the follower's addressed channel.
/// </summary>
internal sealed class CallLeases : IAsyncDisposable
{
    /// <summary>How many call entries a session's <c>calls</c> log keeps (the running calls of a session are far fewer).</summary>
    public const int IndexCapacity = 64;

    /// <summary>The log of a session's calls.</summary>
    public const string IndexStreamId = "calls";

    private readonly McpSessionRuntime _runtime;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ActiveStream> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SessionLease> _leases = new(StringComparer.Ordinal);
    private readonly Timer _renewal;

    public CallLeases(McpSessionRuntime runtime, ILogger logger)
    {
        _runtime = runtime;
        _logger = logger;
        TimeSpan period = RenewalPeriod(runtime.Options.CallLeaseDuration);
        _renewal = new Timer(static state => ((CallLeases)state!).Renew(), this, period, period);
    }

    /// <summary>A third of the lease: two renewals may be late before the lease runs out.</summary>
    public static TimeSpan RenewalPeriod(TimeSpan lease) => TimeSpan.FromTicks(Math.Max(lease.Ticks / 3, TimeSpan.FromMilliseconds(30).Ticks));

    /// <summary>The channel on which a node hears which replicas follow its streams.</summary>
    public static string FollowChannel(string node) => McpBackplaneChannels.Addressed(node, "follow");

    /// <summary>The channel on which a follower gets the events of a stream it resumed.</summary>
    public static string FollowerChannel(string node, string sessionId, string streamId)
        => McpBackplaneChannels.Addressed(node, "s:" + sessionId + ":" + streamId);

    /// <summary>The log that holds a node's lease on the calls of a session.</summary>
    public static string LeaseStreamId(string node) => "lease." + node;

    /// <summary>The node whose stream ids start <paramref name="streamId"/> (the 8 characters of its prefix).</summary>
    public static string? NodeOfStream(string streamId)
        => streamId.Length > 8 && McpBackplaneChannels.IsAddress(streamId.AsSpan(0, 8)) ? streamId[..8] : null;

    /// <summary>
    /// Registers a call's stream as running here: records the call (node, stream, id) and this node's lease on the
    /// session in the store, in the background, and renews the lease until <see cref="ActiveStream.End"/>.
    /// </summary>
    public ActiveStream Open(string sessionId, string streamId, ReadOnlyMemory<byte> rawRequestId)
    {
        var stream = new ActiveStream(this, sessionId, streamId);
        _streams[streamId] = stream;
        SessionLease lease = _leases.AddOrUpdate(sessionId, static _ => new SessionLease(), static (_, l) => l);
        bool write = lease.Enter();
        if (_runtime.IsShared && !rawRequestId.IsEmpty)
        {
            byte[] entry = Encoding.UTF8.GetBytes(_runtime.NodeId + "\n" + streamId + "\n" + Encoding.UTF8.GetString(rawRequestId.Span));
            _ = WriteAsync(sessionId, IndexStreamId, entry, IndexCapacity);
            if (write)
            {
                _ = WriteLeaseAsync(sessionId);
            }
        }

        return stream;
    }

    /// <summary>The followers of a stream running here (empty when it runs elsewhere or nobody follows it).</summary>
    public string[] FollowersOf(string streamId) => _streams.TryGetValue(streamId, out ActiveStream? stream) ? stream.Followers : [];

    /// <summary>
    /// Asks the node running <paramref name="streamId"/> to send (or stop sending) its events to this node. The node
    /// answers a follow with an empty event (sequence 0): the follower then re-reads the log, so nothing logged before
    /// the node heard of it is missed.
    /// </summary>
    public async ValueTask FollowAsync(bool follow, string sessionId, string streamId, CancellationToken cancellationToken)
    {
        string? runner = NodeOfStream(streamId);
        if (runner is null)
        {
            return;
        }

        if (runner == _runtime.NodeId)
        {
            await ApplyFollowAsync(follow, sessionId, streamId, _runtime.NodeId, cancellationToken).ConfigureAwait(false);
            return;
        }

        byte[] payload = Encoding.UTF8.GetBytes((follow ? "+" : "-") + sessionId + "\n" + streamId + "\n" + _runtime.NodeId);
        await _runtime.Backplane.PublishAsync(FollowChannel(runner), payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A follow request published by another node.</summary>
    public async ValueTask OnFollow(ReadOnlyMemory<byte> payload)
    {
        string text = Encoding.UTF8.GetString(payload.Span);
        string[] parts = text.Length > 1 ? text[1..].Split('\n') : [];
        if (parts.Length != 3 || text[0] is not ('+' or '-') || !McpBackplaneChannels.IsAddress(parts[2]) || !McpSessionIds.IsStreamId(parts[1]))
        {
            return;
        }

        try
        {
            await ApplyFollowAsync(text[0] == '+', parts[0], parts[1], parts[2], CancellationToken.None).ConfigureAwait(false);
        }
        catch (McpStoreUnavailableException ex)
        {
            McpSessionLog.ShutdownIgnored(_logger, ex);
        }
    }

    private async ValueTask ApplyFollowAsync(bool follow, string sessionId, string streamId, string follower, CancellationToken cancellationToken)
    {
        if (_streams.TryGetValue(streamId, out ActiveStream? stream) && stream.SessionId == sessionId)
        {
            stream.SetFollower(follower, follow);
        }

        if (follow)
        {
            await _runtime.Backplane.PublishAsync(FollowerChannel(follower, sessionId, streamId), SessionStreamLog.Encode(0, false, default), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The node the <c>calls</c> log of a session names for a call, or <see langword="null"/>.</summary>
    public async ValueTask<string?> RunnerOfAsync(string sessionId, ReadOnlyMemory<byte> rawRequestId, CancellationToken cancellationToken)
    {
        string id = Encoding.UTF8.GetString(rawRequestId.Span);
        foreach ((string node, _, string raw) in await ReadIndexAsync(sessionId, cancellationToken).ConfigureAwait(false))
        {
            if (raw == id)
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>The raw JSON-RPC id of the call whose stream is <paramref name="streamId"/>, or <see langword="null"/>.</summary>
    public async ValueTask<string?> RequestIdOfAsync(string sessionId, string streamId, CancellationToken cancellationToken)
    {
        foreach ((_, string stream, string raw) in await ReadIndexAsync(sessionId, cancellationToken).ConfigureAwait(false))
        {
            if (stream == streamId)
            {
                return raw;
            }
        }

        return null;
    }

    /// <summary>Until when <paramref name="node"/> holds its lease on the calls of a session; <see langword="null"/> when it never took one.</summary>
    public async ValueTask<DateTimeOffset?> LeaseOfAsync(string sessionId, string node, CancellationToken cancellationToken)
    {
        IReadOnlyList<McpStoredEvent> lease = await _runtime.Store.ReadEventsAsync(sessionId, LeaseStreamId(node), 0, cancellationToken).ConfigureAwait(false);
        return lease.Count > 0 && long.TryParse(Encoding.UTF8.GetString(lease[^1].Message.Span), NumberStyles.None, CultureInfo.InvariantCulture, out long until)
            ? DateTimeOffset.FromUnixTimeMilliseconds(until)
            : null;
    }

    private async ValueTask<List<(string Node, string Stream, string RawId)>> ReadIndexAsync(string sessionId, CancellationToken cancellationToken)
    {
        IReadOnlyList<McpStoredEvent> entries = await _runtime.Store.ReadEventsAsync(sessionId, IndexStreamId, 0, cancellationToken).ConfigureAwait(false);
        var calls = new List<(string, string, string)>(entries.Count);
        for (int i = entries.Count - 1; i >= 0; i--)
        {
            string[] parts = Encoding.UTF8.GetString(entries[i].Message.Span).Split('\n', 3);
            if (parts.Length == 3 && McpBackplaneChannels.IsAddress(parts[0]))
            {
                calls.Add((parts[0], parts[1], parts[2]));
            }
        }

        return calls;
    }

    private void Close(ActiveStream stream)
    {
        _streams.TryRemove(new(stream.StreamId, stream));
        if (_leases.TryGetValue(stream.SessionId, out SessionLease? lease) && lease.Leave())
        {
            _leases.TryRemove(new(stream.SessionId, lease));
        }
    }

    private void Renew()
    {
        if (!_runtime.IsShared)
        {
            return;
        }

        foreach (var lease in _leases)
        {
            if (lease.Value.Running)
            {
                _ = WriteLeaseAsync(lease.Key);
            }
        }
    }

    private Task WriteLeaseAsync(string sessionId)
    {
        long until = (DateTimeOffset.UtcNow + _runtime.Options.CallLeaseDuration).ToUnixTimeMilliseconds();
        return WriteAsync(sessionId, LeaseStreamId(_runtime.NodeId), Encoding.UTF8.GetBytes(until.ToString(CultureInfo.InvariantCulture)), 1);
    }

    private async Task WriteAsync(string sessionId, string streamId, byte[] entry, int capacity)
    {
        try
        {
            await _runtime.Store.AppendEventAsync(sessionId, streamId, entry, last: false, capacity, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is McpStoreUnavailableException or OperationCanceledException)
        {
            // The next renewal writes again; a cancellation meanwhile goes on the broadcast channel.
            McpSessionLog.ShutdownIgnored(_logger, ex);
        }
    }

    public ValueTask DisposeAsync() => _renewal.DisposeAsync();

    /// <summary>How many leased calls of a session run here.</summary>
    private sealed class SessionLease
    {
        private int _running;

        public bool Running => Volatile.Read(ref _running) > 0;

        /// <summary>Counts a call in; <see langword="true"/> when it is the first (the lease must be written now).</summary>
        public bool Enter() => Interlocked.Increment(ref _running) == 1;

        /// <summary>Counts a call out; <see langword="true"/> when none is left.</summary>
        public bool Leave() => Interlocked.Decrement(ref _running) <= 0;
    }

    /// <summary>A call's stream running on this node.</summary>
    internal sealed class ActiveStream(CallLeases owner, string sessionId, string streamId)
    {
        private readonly object _gate = new();
        private string[] _followers = [];
        private int _ended;

        public string SessionId { get; } = sessionId;

        public string StreamId { get; } = streamId;

        public string[] Followers => Volatile.Read(ref _followers);

        public void SetFollower(string node, bool follow)
        {
            lock (_gate)
            {
                int at = Array.IndexOf(_followers, node);
                if (follow && at < 0)
                {
                    _followers = [.. _followers, node];
                }
                else if (!follow && at >= 0)
                {
                    var rest = new List<string>(_followers);
                    rest.RemoveAt(at);
                    _followers = [.. rest];
                }
            }
        }

        /// <summary>
        /// The call ended: its lease is no longer renewed for it, and its followers re-read the log (an empty event), so
        /// they see its final event even if its publication raced with the end.
        /// </summary>
        public void End()
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }

            owner.Close(this);
            foreach (string follower in Followers)
            {
                _ = NotifyAsync(follower);
            }
        }

        private async Task NotifyAsync(string follower)
        {
            try
            {
                await owner._runtime.Backplane.PublishAsync(FollowerChannel(follower, SessionId, StreamId), SessionStreamLog.Encode(0, false, default), CancellationToken.None).ConfigureAwait(false);
            }
            catch (McpStoreUnavailableException ex)
            {
                McpSessionLog.ShutdownIgnored(owner._logger, ex);
            }
        }
    }
}
