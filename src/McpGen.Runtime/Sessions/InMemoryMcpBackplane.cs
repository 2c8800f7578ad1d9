using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Sessions;

/// <summary>
/// The in-process <see cref="IMcpBackplane"/>: delivers to subscribers of this process only (one replica, or tests).
/// Each subscription has its own queue and pump, so a slow handler delays only its own messages. Every channel is
/// delivered only to its subscribers, so addressed and broadcast channels cost the same here.
/// </summary>
public sealed class InMemoryMcpBackplane : IMcpBackplane
{
    private readonly ConcurrentDictionary<string, ImmutableArray<Subscription>> _channels = new(StringComparer.Ordinal);

    /// <summary>What this process published (each message reaches this process once; delivered when it had a subscriber).</summary>
    public McpBackplaneCounters Counters { get; } = new();

    /// <inheritdoc/>
    public ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        bool delivered = _channels.TryGetValue(channel, out ImmutableArray<Subscription> subscribers) && !subscribers.IsDefaultOrEmpty;
        Counters.Record(channel, delivered);
        if (delivered)
        {
            byte[] copy = message.ToArray();
            foreach (Subscription subscriber in subscribers)
            {
                subscriber.Post(copy);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IAsyncDisposable> SubscribeAsync(string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, channel, handler);
        _channels.AddOrUpdate(channel, static (_, s) => [s], static (_, list, s) => list.Add(s), subscription);
        return ValueTask.FromResult<IAsyncDisposable>(subscription);
    }

    private void Remove(Subscription subscription)
    {
        while (_channels.TryGetValue(subscription.Name, out ImmutableArray<Subscription> list))
        {
            ImmutableArray<Subscription> rest = list.Remove(subscription);
            bool done = rest.IsEmpty
                ? _channels.TryRemove(new(subscription.Name, list))
                : _channels.TryUpdate(subscription.Name, rest, list);
            if (done)
            {
                return;
            }
        }
    }

    private sealed class Subscription : IAsyncDisposable
    {
        private readonly InMemoryMcpBackplane _owner;
        private readonly Func<ReadOnlyMemory<byte>, ValueTask> _handler;
        private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Task _pump;

        public Subscription(InMemoryMcpBackplane owner, string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler)
        {
            _owner = owner;
            Name = channel;
            _handler = handler;
            _pump = Task.Run(PumpAsync);
        }

        public string Name { get; }

        public void Post(byte[] message) => _queue.Writer.TryWrite(message);

        private async Task PumpAsync()
        {
            await foreach (byte[] message in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    await _handler(message).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // A failing handler must not stop the subscription; the handler logs its own failures.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _owner.Remove(this);
            _queue.Writer.TryComplete();
            await _pump.ConfigureAwait(false);
        }
    }
}
