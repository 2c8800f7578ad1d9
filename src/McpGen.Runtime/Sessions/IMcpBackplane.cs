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
/// publisher. Channels name what a message is addressed to: a session stream, a pending server-to-client request, a
/// running call (cancellation) or the server-wide change feed. In-process: <see cref="InMemoryMcpBackplane"/>;
/// across replicas: PostgreSQL <c>LISTEN/NOTIFY</c> with <c>McpGen.PostgreSql</c>.
/// </summary>
/// <remarks>
/// Delivery is best effort while a subscriber is connected: what must survive a disconnect (SSE events) is also written
/// to the <see cref="IMcpSessionStore"/> event log, and readers replay from there. A backplane that cannot reach its
/// backing service throws <see cref="McpStoreUnavailableException"/> from <see cref="PublishAsync"/>, and from
/// <see cref="SubscribeAsync"/> when it cannot make the subscription active (then no subscription exists).
/// </remarks>
public interface IMcpBackplane
{
    /// <summary>Publishes <paramref name="message"/> (any bytes, typically UTF-8 JSON) on <paramref name="channel"/>.</summary>
    /// <param name="channel">ASCII letters, digits and <c>-_.:</c>, at most 200 characters.</param>
    /// <param name="message">The payload; large payloads are fine (implementations store them by reference when needed).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>
    /// Subscribes <paramref name="handler"/> to <paramref name="channel"/> until the returned handle is disposed. The
    /// subscription is active when the returned task completes: messages published after that are delivered. Handlers of
    /// one subscription run one at a time, in order; the payload is only valid during the call.
    /// </summary>
    ValueTask<IAsyncDisposable> SubscribeAsync(string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken);
}
