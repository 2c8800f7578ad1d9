using System;
using System.Threading;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Sessions;

/// <summary>
/// Publish/subscribe between the replicas of a store-backed server: a message published on a channel reaches every
/// subscriber of that channel on every replica (the publisher's included), at most once each, in publish order per
/// publisher. In-process: <see cref="InMemoryMcpBackplane"/>; across replicas: PostgreSQL <c>LISTEN/NOTIFY</c> with
/// <c>McpGen.PostgreSql</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Addressed and broadcast channels</b> (<see cref="McpBackplaneChannels"/>). A channel <c>@{address}:{topic}</c> is
/// addressed: a backend must deliver its messages only to the processes that subscribe (now) to some channel with that
/// address, and stop when the last such subscription is disposed (PostgreSQL: <c>NOTIFY</c> on a channel per address,
/// <c>UNLISTEN</c> after its last subscription; Redis: the channel name as is), so a replica receives
/// what is for it and nothing else, however many replicas there are. Every other channel is broadcast (a backend may
/// send its messages to every process, which keeps what it has subscribers for). The runtime addresses every message of
/// the request path: <c>@{node}:reply</c> (a client's answer to the replica whose request it answers: the node travels in
/// the JSON-RPC id of the server's request), <c>@{node}:cancel</c> (<c>notifications/cancelled</c> to the replica running
/// the call, found through the call's lease), <c>@{node}:c:{session}</c> (<c>take:{holder}</c>: a newer GET stream of the
/// session ends the one that node holds, found through the session's <c>g.holder</c> log), <c>@{node}:follow</c> and <c>@{node}:s:{session}:{stream}</c> (stream
/// events only to the replicas that resumed the stream), and <c>@{feed}:changes:{server}</c> (change notifications to the
/// replicas holding listen or GET streams of that server). A node is one endpoint's session runtime in one process (8
/// random characters, the first part of its stream ids). Broadcast on purpose, because they are rare state changes and
/// not per call: <c>sessions</c> (a session's cached copies are stale: sent when its subscriptions, log level or items
/// change, and when it ends), <c>cancel</c> (the end of a session cancels its calls everywhere, and a cancellation
/// whose call has no lease), <c>c:{session}</c> (<c>end</c>: a session's streams end with it) and
/// <c>s:{session}:sse</c> (the deprecated HTTP+SSE stream).
/// </para>
/// <para>
/// Delivery is best effort while a subscriber is connected: what must survive a disconnect (SSE events) is also written
/// to the <see cref="IMcpSessionStore"/> event log, and readers replay from there (<see cref="OnReconnected"/> tells them
/// when). A backplane that cannot reach its backing service throws <see cref="McpStoreUnavailableException"/> from
/// <see cref="PublishAsync"/>, and from <see cref="SubscribeAsync"/> when it cannot make the subscription active (then no
/// subscription exists).
/// </para>
/// </remarks>
public interface IMcpBackplane
{
    /// <summary>Publishes <paramref name="message"/> (any bytes, typically UTF-8 JSON) on <paramref name="channel"/>.</summary>
    /// <param name="channel">ASCII letters, digits and <c>-_.:</c>, at most 200 characters; an addressed channel starts with <c>@</c> (<see cref="McpBackplaneChannels"/>).</param>
    /// <param name="message">The payload; large payloads are fine (implementations store them by reference when needed).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>
    /// Subscribes <paramref name="handler"/> to <paramref name="channel"/> until the returned handle is disposed. The
    /// subscription is active when the returned task completes: messages published after that are delivered. Handlers of
    /// one subscription run one at a time, in order; the payload is only valid during the call.
    /// </summary>
    ValueTask<IAsyncDisposable> SubscribeAsync(string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="callback"/> each time this backplane's connection to its backing service came back after a
    /// loss (messages published meanwhile did not reach this process), until the returned handle is disposed. Subscribers
    /// that can re-read what they missed (streams, from the event log) do so then. The default never calls it (a backplane
    /// that cannot lose its connection, such as the in-memory one).
    /// </summary>
    IDisposable OnReconnected(Action callback) => McpBackplaneReconnects.None;

    /// <summary>What this backplane received, delivered and dropped on this replica; <see langword="null"/> when it does not count.</summary>
    McpBackplaneCounters? Counters => null;
}

/// <summary>A list of <see cref="IMcpBackplane.OnReconnected"/> callbacks for backplane implementations.</summary>
public sealed class McpBackplaneReconnects
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, Action> _callbacks = new();
    private long _next;

    /// <summary>A handle that does nothing.</summary>
    public static IDisposable None { get; } = new Registration(null, 0);

    /// <summary>Adds a callback until the handle is disposed.</summary>
    public IDisposable Add(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        long id = Interlocked.Increment(ref _next);
        _callbacks[id] = callback;
        return new Registration(this, id);
    }

    /// <summary>Calls every callback (a failing one does not stop the others).</summary>
    public void Raise()
    {
        foreach (Action callback in _callbacks.Values)
        {
            try
            {
                callback();
            }
            catch (Exception)
            {
                // A subscriber's failure to catch up is its own; the others still catch up.
            }
        }
    }

    private sealed class Registration(McpBackplaneReconnects? owner, long id) : IDisposable
    {
        public void Dispose() => owner?._callbacks.TryRemove(id, out _);
    }
}
