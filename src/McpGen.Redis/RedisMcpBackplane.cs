using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using McpGen.Sessions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace McpGen.Redis;

/// <summary>
/// The <see cref="IMcpBackplane"/> across replicas: Redis pub/sub with one Redis channel per backplane channel
/// (<see cref="RedisMcpOptions.KeyPrefix"/> + channel, a literal channel, no patterns). A replica subscribes in Redis
/// only to the channels it has subscribers for, so a message reaches only the replicas that hold its subscriber.
/// Register it with <c>services.AddMcpGenRedis("127.0.0.1:6379")</c>.
/// </summary>
/// <remarks>
/// <para>
/// The process's local subscribers of one channel share one Redis subscription (taken by the first, released by the
/// last); each local subscriber has its own queue, so a slow handler does not hold up the others, and its handlers run
/// one at a time, in arrival order. Redis delivers one publisher's messages in publish order; payloads of any size and
/// content travel as they are (binary-safe; Redis's pub/sub output buffer limit, 32 MB by default, bounds a burst).
/// </para>
/// <para>
/// While the connection is down, <see cref="PublishAsync"/> and <see cref="SubscribeAsync"/> throw
/// <see cref="McpStoreUnavailableException"/> at once; the multiplexer reconnects and resubscribes every channel by
/// itself, and subscriptions receive again. Messages published while this replica was disconnected do not reach it
/// (delivery is best effort; what must survive is in the store's event log).
/// </para>
/// </remarks>
public sealed class RedisMcpBackplane : IMcpBackplane, IHealthCheck, IAsyncDisposable, IDisposable
{
    private readonly RedisMcpConnection _connection;
    private readonly bool _ownsConnection;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private IConnectionMultiplexer? _watched;
    private int _disposed;
    private long _received;
    private readonly McpBackplaneReconnects _reconnects = new();

    /// <summary>Creates a backplane with its own connection (the application disposes it). With DI, use <c>AddMcpGenRedis</c>.</summary>
    /// <param name="options">Connection and prefix; checked now (<see cref="ArgumentException"/> names a bad option).</param>
    /// <param name="logger">Where reconnects and failing handlers are logged.</param>
    public RedisMcpBackplane(RedisMcpOptions options, ILogger<RedisMcpBackplane>? logger = null)
        : this(new RedisMcpConnection(options), logger, ownsConnection: true)
    {
    }

    internal RedisMcpBackplane(RedisMcpConnection connection, ILogger? logger, bool ownsConnection = false)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How many messages this process received from Redis (before local fan-out; for tests and counters).</summary>
    internal long ReceivedCount => Interlocked.Read(ref _received);

    /// <inheritdoc/>
    public McpBackplaneCounters Counters { get; } = new();

    /// <inheritdoc/>
    /// <remarks>Raised once the subscription connection is back and answers a PING sent after the multiplexer's own
    /// resubscribe, so messages published from then on are received while the callbacks re-read the event log.</remarks>
    public IDisposable OnReconnected(Action callback) => _reconnects.Add(callback);

    /// <summary>How many Redis channels this process is subscribed to.</summary>
    internal int RedisSubscriptionCount => _topics.Count;

    /// <inheritdoc/>
    /// <exception cref="McpStoreUnavailableException">Redis cannot be reached.</exception>
    public async ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        ValidateChannel(channel);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        IConnectionMultiplexer multiplexer = await ConnectedAsync().ConfigureAwait(false);
        RedisChannel target = RedisChannel.Literal(_connection.Prefix + channel);
        try
        {
            await multiplexer.GetSubscriber().PublishAsync(target, message).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && RedisMcpConnection.IsUnavailable(e))
        {
            throw _connection.Unavailable(e);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="McpStoreUnavailableException">Redis cannot be reached: the subscription could not promise delivery, so none was made.</exception>
    public async ValueTask<IAsyncDisposable> SubscribeAsync(string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken)
    {
        ValidateChannel(channel);
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        IConnectionMultiplexer multiplexer = await ConnectedAsync().ConfigureAwait(false);
        var subscription = new Subscription(this, channel, handler);
        while (true)
        {
            Topic topic = _topics.GetOrAdd(channel, static (name, self) => new Topic(self, name), this);
            await topic.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (topic.Closed)
                {
                    continue; // its last subscriber left while this one waited: take a new topic
                }

                if (topic.Queue is null)
                {
                    try
                    {
                        ChannelMessageQueue queue = await multiplexer.GetSubscriber()
                            .SubscribeAsync(RedisChannel.Literal(_connection.Prefix + channel))
                            .WaitAsync(cancellationToken).ConfigureAwait(false);
                        queue.OnMessage(topic.Deliver);
                        topic.Queue = queue;
                    }
                    catch (Exception e)
                    {
                        topic.Closed = true;
                        _topics.TryRemove(new(channel, topic));
                        await subscription.DisposeQueueAsync().ConfigureAwait(false);
                        if (!cancellationToken.IsCancellationRequested && RedisMcpConnection.IsUnavailable(e))
                        {
                            throw _connection.Unavailable(e);
                        }

                        throw;
                    }
                }

                subscription.Topic = topic;
                topic.Subscribers = topic.Subscribers.Add(subscription);
                return subscription;
            }
            finally
            {
                topic.Gate.Release();
            }
        }
    }

    /// <summary>Unsubscribes every channel, ends every subscription's delivery, and disposes the connection when the backplane created it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (Topic topic in _topics.Values)
        {
            foreach (Subscription subscription in topic.Subscribers)
            {
                subscription.Complete();
            }
        }

        if (_watched is { } watched)
        {
            watched.ConnectionFailed -= OnConnectionFailed;
            watched.ConnectionRestored -= OnConnectionRestored;
        }

        if (_ownsConnection)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            foreach (Topic topic in _topics.Values)
            {
                await topic.UnsubscribeAsync().ConfigureAwait(false);
            }
        }

        _topics.Clear();
    }

    /// <summary>Like <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The <c>mcpgen-backplane</c> health check: Redis answers a <c>PING</c> within <see cref="RedisMcpOptions.HealthCheckTimeout"/>
    /// (Unhealthy while it does not, with the error; Healthy again when the multiplexer has reconnected).
    /// </summary>
    Task<HealthCheckResult> IHealthCheck.CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        => _connection.ProbeAsync("backplane", context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy, cancellationToken);

    private static void ValidateChannel(string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (channel.Length is 0 or > 200)
        {
            throw new ArgumentException($"A backplane channel has 1 to 200 characters; '{channel}' has {channel.Length}.", nameof(channel));
        }

        for (int i = 0; i < channel.Length; i++)
        {
            char c = channel[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':') && !(c == '@' && i == 0))
            {
                throw new ArgumentException($"A backplane channel uses ASCII letters, digits and '-_.:' only (and '@' first, for an addressed channel); '{channel}' has '{c}'.", nameof(channel));
            }
        }
    }

    private async ValueTask<IConnectionMultiplexer> ConnectedAsync()
    {
        IConnectionMultiplexer multiplexer = await _connection.MultiplexerAsync().ConfigureAwait(false);
        if (_watched is null && Interlocked.CompareExchange(ref _watched, multiplexer, null) is null)
        {
            multiplexer.ConnectionFailed += OnConnectionFailed;
            multiplexer.ConnectionRestored += OnConnectionRestored;
        }

        return multiplexer;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            RedisMcpLog.ConnectionLost(_logger, e.FailureType.ToString(), e.Exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            RedisMcpLog.ConnectionRestored(_logger);
            if (sender is IConnectionMultiplexer multiplexer)
            {
                _ = CatchUpAsync(multiplexer);
            }
        }
    }

    /// <summary>
    /// Waits until the subscription connection answers (a PING on it is queued behind the multiplexer's resubscribe),
    /// then lets streams re-read what they may have missed while it was down. Readers skip what they already delivered.
    /// </summary>
    private async Task CatchUpAsync(IConnectionMultiplexer multiplexer)
    {
        try
        {
            await multiplexer.GetSubscriber().PingAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Not answering yet: the re-read still helps (the log has what was published), and the next restore raises again.
        }

        _reconnects.Raise();
    }

    private async ValueTask RemoveAsync(Subscription subscription)
    {
        Topic? topic = subscription.Topic;
        if (topic is null)
        {
            return;
        }

        await topic.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            topic.Subscribers = topic.Subscribers.Remove(subscription);
            if (!topic.Subscribers.IsEmpty || topic.Closed)
            {
                return;
            }

            topic.Closed = true;
            _topics.TryRemove(new(topic.Name, topic));
            if (Volatile.Read(ref _disposed) == 0)
            {
                await topic.UnsubscribeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            topic.Gate.Release();
        }
    }

    /// <summary>One Redis channel of this process: its subscription and its local subscribers.</summary>
    private sealed class Topic(RedisMcpBackplane owner, string name)
    {
        public string Name { get; } = name;

        /// <summary>Serializes the Redis subscribe and unsubscribe of this channel with the local list's changes.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public ChannelMessageQueue? Queue { get; set; }

        public bool Closed { get; set; }

        public ImmutableArray<Subscription> Subscribers { get; set; } = [];

        /// <summary>Runs on the multiplexer's ordered delivery of this channel: copies and queues, never waits.</summary>
        public void Deliver(ChannelMessage message)
        {
            Interlocked.Increment(ref owner._received);
            ImmutableArray<Subscription> subscribers = Subscribers;
            owner.Counters.Record(Name, delivered: !subscribers.IsDefaultOrEmpty);
            if (subscribers.IsDefaultOrEmpty)
            {
                return;
            }

            byte[] payload = (byte[]?)message.Message ?? [];
            foreach (Subscription subscriber in subscribers)
            {
                subscriber.Post(payload);
            }
        }

        public async ValueTask UnsubscribeAsync()
        {
            if (Queue is not { } queue)
            {
                return;
            }

            Queue = null;
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (RedisMcpConnection.IsUnavailable(e) || e is ObjectDisposedException)
            {
                RedisMcpLog.UnsubscribeFailed(owner._logger, Name, e);
            }
        }
    }

    private sealed class Subscription : IAsyncDisposable
    {
        private readonly RedisMcpBackplane _owner;
        private readonly Func<ReadOnlyMemory<byte>, ValueTask> _handler;
        private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Task _pump;
        private int _disposed;

        public Subscription(RedisMcpBackplane owner, string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler)
        {
            _owner = owner;
            Name = channel;
            _handler = handler;
            _pump = Task.Run(PumpAsync);
        }

        public string Name { get; }

        public Topic? Topic { get; set; }

        public void Post(byte[] message) => _queue.Writer.TryWrite(message);

        public void Complete() => _queue.Writer.TryComplete();

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            _queue.Writer.TryComplete();
            await _owner.RemoveAsync(this).ConfigureAwait(false);
            await _pump.ConfigureAwait(false);
        }

        /// <summary>Ends the pump of a subscription that was never made.</summary>
        public async ValueTask DisposeQueueAsync()
        {
            Interlocked.Exchange(ref _disposed, 1);
            _queue.Writer.TryComplete();
            await _pump.ConfigureAwait(false);
        }

        private async Task PumpAsync()
        {
            await foreach (byte[] message in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    await _handler(message).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    RedisMcpLog.HandlerFailed(_owner._logger, Name, e);
                }
            }
        }
    }
}
