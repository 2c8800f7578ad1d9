using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using System.Text.Unicode;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using McpGen.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.PostgreSql;

/// <summary>
/// The <see cref="IMcpBackplane"/> across replicas: PostgreSQL <c>LISTEN</c>/<c>NOTIFY</c>. Broadcast channels are
/// multiplexed on one PostgreSQL channel (<see cref="PostgreSqlMcpOptions.NotifyChannel"/>) as the payload
/// <c>channel|message</c>; an addressed channel <c>@{address}:{topic}</c> (<see cref="McpBackplaneChannels"/>) is sent on
/// the PostgreSQL channel <c>{NotifyChannel}_{address}</c> (the prefix shortened so the name has at most 63 bytes), which
/// only the processes with a subscriber of that address listen to. Register it with
/// <c>services.AddMcpGenPostgreSql(connectionString)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Each process holds one dedicated connection that listens (opened by the first subscription) and dispatches to its
/// local subscribers; publishing uses a pooled connection. The listening connection listens on the broadcast channel and
/// on each address this process has subscribed to since it started (addresses are few and long-lived: a replica's node
/// ids and feeds; an address stays listened until the backplane is disposed); a subscription to a new address is active
/// once its <c>LISTEN</c> ran. A message that is not UTF-8 text, or is larger than a
/// <c>NOTIFY</c> payload can carry (about 7900 bytes with the channel), is stored in the <c>payloads</c> table and the
/// notification carries its id (<c>channel*id</c>); receivers read it once per process and old rows are deleted after
/// <see cref="PostgreSqlMcpOptions.PayloadRetention"/>. Notifications are delivered in commit order, so the messages
/// of one publisher arrive in publish order, large and small alike.
/// </para>
/// <para>
/// When the listening connection drops, the backplane reconnects with backoff (100 ms doubling to 5 s) and listens
/// again; subscriptions stay registered and receive again once it is back. Messages published while this replica was
/// not listening do not reach it (delivery is best effort; what must survive is in the store's event log):
/// <see cref="OnReconnected"/> callbacks run once it listens again, so streams re-read the log.
/// <see cref="PublishAsync"/>, and <see cref="SubscribeAsync"/> while the listener is down, throw
/// <see cref="McpStoreUnavailableException"/> within <see cref="PostgreSqlMcpOptions.ConnectTimeout"/>; they never hang.
/// </para>
/// </remarks>
public sealed class PostgreSqlMcpBackplane : IMcpBackplane, Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck, IAsyncDisposable, IDisposable
{
    /// <summary>The largest <c>channel|message</c> sent inline; PostgreSQL's limit is 8000 bytes.</summary>
    internal const int MaxInlineBytes = 7900;

    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastReconnectDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    private readonly PostgreSqlMcpDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly ILogger _logger;
    private readonly string _notifyChannel;
    private readonly string _wakeChannel;
    private readonly string _byReferenceSql;
    private readonly string _fetchSql;
    private readonly string _removePayloadsSql;
    private readonly ConcurrentDictionary<string, ImmutableArray<Subscription>> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableArray<Subscription>>.AlternateLookup<ReadOnlySpan<char>> _channelsBySpan;
    private readonly ConcurrentDictionary<string, string> _addressChannels = new(StringComparer.Ordinal);
    private readonly System.Collections.Generic.Dictionary<string, TaskCompletionSource> _addresses = new(StringComparer.Ordinal);
    private readonly System.Collections.Generic.Dictionary<string, int> _addressSubscriptions = new(StringComparer.Ordinal);
    private readonly System.Collections.Generic.HashSet<string> _unlistening = new(StringComparer.Ordinal);
    private readonly System.Collections.Generic.HashSet<string> _listened = new(StringComparer.Ordinal);
    private readonly McpBackplaneReconnects _reconnects = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _listening = NewSignal();
    private Exception? _lastListenError;
    private Task? _listener;
    private int _listens;
    private int _disposed;

    /// <summary>Creates a backplane with its own connection pool (the application disposes it). With DI, use <c>AddMcpGenPostgreSql</c>.</summary>
    /// <param name="options">Connection and channel; checked now (<see cref="ArgumentException"/> names a bad option).</param>
    /// <param name="logger">Where reconnects and dropped messages are logged.</param>
    public PostgreSqlMcpBackplane(PostgreSqlMcpOptions options, ILogger<PostgreSqlMcpBackplane>? logger = null)
        : this(new PostgreSqlMcpDatabase(options), logger, ownsDatabase: true)
    {
    }

    internal PostgreSqlMcpBackplane(PostgreSqlMcpDatabase database, ILogger? logger, bool ownsDatabase = false)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
        _logger = logger ?? NullLogger.Instance;
        _notifyChannel = database.Options.EffectiveNotifyChannel;
        _wakeChannel = NotifyChannelOf(_notifyChannel, "w" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)).ToLowerInvariant());
        string s = database.Schema;
        _byReferenceSql = $"""
            WITH p AS (INSERT INTO {s}.payloads (data) VALUES ($3) RETURNING id)
            SELECT pg_notify($1, $2 || p.id::text) FROM p
            """;
        _fetchSql = $"SELECT data FROM {s}.payloads WHERE id = $1";
        _removePayloadsSql = $"DELETE FROM {s}.payloads WHERE created_at < now() - $1";
        _channelsBySpan = _channels.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc/>
    /// <exception cref="McpStoreUnavailableException">The database cannot be reached.</exception>
    public async ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        ValidateChannel(channel);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _database.RunAsync(
            (Backplane: this, Channel: channel, Message: message),
            static async (connection, state, cancellationToken) =>
            {
                PostgreSqlMcpBackplane self = state.Backplane;
                NpgsqlCommand command;
                if (self.CanInline(state.Channel, state.Message.Span))
                {
                    command = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<string> { TypedValue = self.NotifyChannelFor(state.Channel) },
                            new NpgsqlParameter<string> { TypedValue = InlinePayload(state.Channel, state.Message.Span) },
                        },
                    };
                }
                else
                {
                    command = new NpgsqlCommand(self._byReferenceSql, connection)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<string> { TypedValue = self.NotifyChannelFor(state.Channel) },
                            new NpgsqlParameter<string> { TypedValue = state.Channel + "*" },
                            new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea, TypedValue = state.Message },
                        },
                    };
                }

                await using (command.ConfigureAwait(false))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return true;
            },
            idempotent: false,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="McpStoreUnavailableException">
    /// This replica is not listening (the database is down) and did not get back within
    /// <see cref="PostgreSqlMcpOptions.ConnectTimeout"/>: the subscription could not promise delivery, so none was made.
    /// </exception>
    public async ValueTask<IAsyncDisposable> SubscribeAsync(string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken)
    {
        ValidateChannel(channel);
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        StartListener();
        ReadOnlySpan<char> addressOf = McpBackplaneChannels.AddressOf(channel);
        string? address = addressOf.IsEmpty ? null : addressOf.ToString();
        var subscription = new Subscription(this, channel, address, handler);
        _channels.AddOrUpdate(channel, static (_, s) => [s], static (_, list, s) => list.Add(s), subscription);
        try
        {
            await WaitUntilListeningAsync(cancellationToken).ConfigureAwait(false);
            if (address is not null)
            {
                await ListenToAddressAsync(address, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return subscription;
    }

    /// <summary>
    /// Deletes the stored payloads of large messages older than <see cref="PostgreSqlMcpOptions.PayloadRetention"/>;
    /// returns how many. The cleanup service registered by <c>AddMcpGenPostgreSql</c> calls it periodically.
    /// </summary>
    /// <exception cref="McpStoreUnavailableException">The database cannot be reached.</exception>
    public ValueTask<int> RemoveExpiredPayloadsAsync(CancellationToken cancellationToken)
    {
        return _database.RunAsync(
            (Sql: _removePayloadsSql, Retention: _database.Options.PayloadRetention),
            static async (connection, state, cancellationToken) =>
            {
                await using NpgsqlCommand command = new(state.Sql, connection)
                {
                    Parameters = { new NpgsqlParameter<TimeSpan> { TypedValue = state.Retention } },
                };
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            idempotent: true,
            cancellationToken);
    }

    /// <summary>Stops listening, ends every subscription's delivery, and disposes the connection pool when the backplane created it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? listener;
        lock (_gate)
        {
            listener = _listener;
        }

        if (listener is not null)
        {
            await listener.ConfigureAwait(false);
        }

        foreach (ImmutableArray<Subscription> subscriptions in _channels.Values)
        {
            foreach (Subscription subscription in subscriptions)
            {
                subscription.Complete();
            }
        }

        if (_ownsDatabase)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Like <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The <c>mcpgen-backplane</c> health check: the database answers, and once the listening connection has started it
    /// is listening (Unhealthy while it reconnects, with the last error; Healthy again when it listens).
    /// </summary>
    async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck.CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken)
    {
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus failure = context?.Registration?.FailureStatus ?? Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy;
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult database = await _database.ProbeAsync("backplane", failure, cancellationToken).ConfigureAwait(false);
        bool started;
        lock (_gate)
        {
            started = _listener is not null;
        }

        if (database.Status != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy || !started || IsListening)
        {
            return database;
        }

        Exception? last = Volatile.Read(ref _lastListenError);
        return new(failure, $"McpGen backplane: the LISTEN connection on channel '{_notifyChannel}' is reconnecting ({last?.Message ?? "not connected yet"}); notifications from other replicas do not arrive until it is back.", last);
    }

    /// <summary>What this replica received from other replicas (and itself), delivered and dropped.</summary>
    public McpBackplaneCounters Counters { get; } = new();

    /// <inheritdoc/>
    public IDisposable OnReconnected(Action callback) => _reconnects.Add(callback);

    /// <summary>The PostgreSQL channels the listening connection listens on now (for tests).</summary>
    internal string[] ListenedChannels
    {
        get
        {
            lock (_gate)
            {
                return [.. _listened];
            }
        }
    }

    /// <summary>The PostgreSQL channel that carries <paramref name="channel"/>: its address's, or the broadcast one.</summary>
    internal string NotifyChannelFor(string channel)
    {
        ReadOnlySpan<char> address = McpBackplaneChannels.AddressOf(channel);
        if (address.IsEmpty)
        {
            return _notifyChannel;
        }

        var lookup = _addressChannels.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(address, out string? name))
        {
            name = NotifyChannelOf(_notifyChannel, address.ToString());
            _addressChannels.TryAdd(address.ToString(), name);
        }

        return name;
    }

    /// <summary><c>{prefix}_{suffix}</c>, the prefix shortened so the name has at most 63 bytes (the channel names are ASCII).</summary>
    private static string NotifyChannelOf(string prefix, string suffix)
        => string.Concat(prefix.AsSpan(0, Math.Min(prefix.Length, 63 - 1 - suffix.Length)), "_", suffix);

    /// <summary>
    /// Makes the listening connection listen on an address's channel while a subscription of the address lives (the last
    /// one's end <c>UNLISTEN</c>s it, see <see cref="Remove"/>), and waits until it does, at most
    /// <see cref="PostgreSqlMcpOptions.ConnectTimeout"/>.
    /// </summary>
    private async Task ListenToAddressAsync(string address, CancellationToken cancellationToken)
    {
        TaskCompletionSource? ready;
        bool added = false;
        lock (_gate)
        {
            if (!_addresses.TryGetValue(address, out ready))
            {
                ready = NewSignal();
                _addresses.Add(address, ready);
                added = true;
                string channel = NotifyChannelFor("@" + address + ":");
                if (_listened.Contains(channel) && !_unlistening.Contains(channel))
                {
                    ready.TrySetResult(); // its UNLISTEN has not run yet: nothing to do
                }
            }
        }

        if (ready.Task.IsCompletedSuccessfully)
        {
            return;
        }

        if (added)
        {
            await WakeListenerAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await ready.Task.WaitAsync(_database.Options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw _database.Unavailable(Volatile.Read(ref _lastListenError) ?? e);
        }
    }

    /// <summary>
    /// Wakes the listener (it waits for notifications) so it issues pending <c>LISTEN</c>s and <c>UNLISTEN</c>s now; if
    /// the database is down, the next connection listens on the addresses subscribed then anyway.
    /// </summary>
    private async Task WakeListenerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _database.RunAsync(
                (Channel: _wakeChannel, Token: cancellationToken),
                static async (connection, state, cancellationToken) =>
                {
                    await using NpgsqlCommand command = new("SELECT pg_notify($1, '')", connection)
                    {
                        Parameters = { new NpgsqlParameter<string> { TypedValue = state.Channel } },
                    };
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                },
                idempotent: true,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is McpStoreUnavailableException or ObjectDisposedException)
        {
            // The reconnect listens on what is subscribed then; a disposed backplane listens on nothing.
        }
    }

    /// <summary>The LISTEN commands for the channels not listened on yet (with what to complete); under the gate.</summary>
    private (string Sql, System.Collections.Generic.List<(string Channel, TaskCompletionSource? Ready)> Pending, System.Collections.Generic.List<string> Unlisten)? PendingListens()
    {
        System.Collections.Generic.List<(string, TaskCompletionSource?)>? pending = null;
        System.Collections.Generic.List<string>? unlisten = null;
        lock (_gate)
        {
            foreach (string channel in new[] { _notifyChannel, _wakeChannel })
            {
                if (!_listened.Contains(channel))
                {
                    (pending ??= []).Add((channel, null));
                }
            }

            var wanted = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal) { _notifyChannel, _wakeChannel };
            foreach (var address in _addresses)
            {
                string channel = NotifyChannelFor("@" + address.Key + ":");
                wanted.Add(channel);
                if (!_listened.Contains(channel))
                {
                    (pending ??= []).Add((channel, address.Value));
                }
            }

            foreach (string listened in _listened)
            {
                if (!wanted.Contains(listened))
                {
                    (unlisten ??= []).Add(listened); // its last subscription ended
                    _unlistening.Add(listened);
                }
            }
        }

        if (pending is null && unlisten is null)
        {
            return null;
        }

        var sql = new StringBuilder();
        foreach (string channel in unlisten ?? [])
        {
            sql.Append("UNLISTEN \"").Append(channel).Append("\";");
        }

        foreach ((string channel, _) in pending ?? [])
        {
            sql.Append("LISTEN \"").Append(channel).Append("\";");
        }

        return (sql.ToString(), pending ?? [], unlisten ?? []);
    }

    /// <summary>Issues the pending LISTEN commands on the listening connection.</summary>
    private async Task ListenPendingAsync(NpgsqlConnection connection, CancellationToken stopping)
    {
        while (PendingListens() is { } pending)
        {
            await using (var listen = new NpgsqlCommand(pending.Sql, connection))
            {
                await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
            }

            lock (_gate)
            {
                foreach (string channel in pending.Unlisten)
                {
                    _listened.Remove(channel);
                    _unlistening.Remove(channel);
                }

                foreach ((string channel, TaskCompletionSource? ready) in pending.Pending)
                {
                    _listened.Add(channel);
                    ready?.TrySetResult();
                }
            }
        }
    }

    /// <summary>Whether the listening connection listens on the channel of <paramref name="address"/> (for tests).</summary>
    internal bool ListensTo(string address)
    {
        lock (_gate)
        {
            return _listened.Contains(NotifyChannelFor("@" + address + ":"));
        }
    }

    /// <summary>How many times the listener connected and issued LISTEN (1 + reconnects; for tests).</summary>
    internal int ListenCount => Volatile.Read(ref _listens);

    /// <summary>Whether the listening connection is up (for tests and health checks).</summary>
    internal bool IsListening
    {
        get
        {
            lock (_gate)
            {
                return _listening.Task.IsCompletedSuccessfully;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    private static string InlinePayload(string channel, ReadOnlySpan<byte> message) => string.Concat(channel, "|", Encoding.UTF8.GetString(message));

    /// <summary>Whether <paramref name="message"/> can travel inside a NOTIFY payload: UTF-8 text the server can hold, small enough.</summary>
    private bool CanInline(string channel, ReadOnlySpan<byte> message)
    {
        return channel.Length + 1 + message.Length <= MaxInlineBytes
            && message.IndexOf((byte)0) < 0
            && (_database.ServerIsUtf8 ? Utf8.IsValid(message) : System.Text.Ascii.IsValid(message));
    }

    private void StartListener()
    {
        lock (_gate)
        {
            _listener ??= Task.Run(ListenAsync);
        }
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        Task listening;
        lock (_gate)
        {
            listening = _listening.Task;
        }

        if (listening.IsCompletedSuccessfully)
        {
            return;
        }

        try
        {
            await listening.WaitAsync(_database.Options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw _database.Unavailable(Volatile.Read(ref _lastListenError) ?? e);
        }
    }

    /// <summary>The listener: connect, LISTEN, wait for notifications (pinging when idle); on any failure reconnect with backoff.</summary>
    private async Task ListenAsync()
    {
        CancellationToken stopping = _stopping.Token;
        TimeSpan delay = FirstReconnectDelay;
        while (!stopping.IsCancellationRequested)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = await _database.OpenAsync(stopping).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await ListenPendingAsync(connection, stopping).ConfigureAwait(false);

                delay = FirstReconnectDelay;
                bool reconnect = Interlocked.Increment(ref _listens) > 1;
                SetListening();
                PostgreSqlMcpLog.Listening(_logger, _notifyChannel);
                if (reconnect)
                {
                    // Listening again: whatever was published meanwhile is lost here; streams re-read their event logs.
                    _reconnects.Raise();
                }

                while (true)
                {
                    await ListenPendingAsync(connection, stopping).ConfigureAwait(false);
                    if (!await connection.WaitAsync(KeepAliveInterval, stopping).ConfigureAwait(false))
                    {
                        // Idle: prove the connection still works (a dead peer is otherwise noticed only by TCP, much later).
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _listened.Clear();
                    _unlistening.Clear();
                }

                SetNotListening(e);
                await CloseAsync(connection).ConfigureAwait(false);
                connection = null;

                // The pool's idle connections died with this one; new ones are opened once the server is back.
                _database.DataSource.Clear();
                PostgreSqlMcpLog.ListenLost(_logger, delay, e);
                try
                {
                    await Task.Delay(delay, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = delay * 2 < LastReconnectDelay ? delay * 2 : LastReconnectDelay;
            }
            finally
            {
                await CloseAsync(connection).ConfigureAwait(false);
            }
        }

        SetNotListening(new ObjectDisposedException(nameof(PostgreSqlMcpBackplane)));
    }

    private async ValueTask CloseAsync(NpgsqlConnection? connection)
    {
        if (connection is null)
        {
            return;
        }

        connection.Notification -= OnNotification;
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A broken connection may fail to close cleanly; it is discarded either way.
        }
    }

    private void SetListening()
    {
        lock (_gate)
        {
            _listening.TrySetResult();
        }
    }

    private void SetNotListening(Exception error)
    {
        Exception unavailable = _database.Unavailable(error);
        Volatile.Write(ref _lastListenError, unavailable);
        lock (_gate)
        {
            // Subscribers waiting for this attempt learn at once that it failed; later ones wait for the next attempt.
            if (_listening.TrySetException(unavailable))
            {
                _ = _listening.Task.Exception; // observed: nobody may be waiting
            }

            _listening = NewSignal();
        }
    }

    /// <summary>Runs on the listening connection's read loop: only parses and queues, never waits.</summary>
    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == _wakeChannel)
        {
            return; // a subscription to a new address woke the listener
        }

        ReadOnlySpan<char> payload = e.Payload;
        int separator = payload.IndexOfAny('|', '*');
        if (separator <= 0)
        {
            PostgreSqlMcpLog.MalformedNotification(_logger, _notifyChannel);
            return;
        }

        bool delivered = _channelsBySpan.TryGetValue(payload[..separator], out ImmutableArray<Subscription> subscribers) && !subscribers.IsDefaultOrEmpty;
        Counters.Record(payload[..separator], delivered);
        if (!delivered)
        {
            return;
        }

        Delivery delivery;
        if (payload[separator] == '|')
        {
            ReadOnlySpan<char> text = payload[(separator + 1)..];
            byte[] message = new byte[Encoding.UTF8.GetByteCount(text)];
            Encoding.UTF8.GetBytes(text, message);
            delivery = new Delivery(message, null);
        }
        else if (long.TryParse(payload[(separator + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id))
        {
            delivery = new Delivery(null, new PayloadReference(this, id, subscribers[0].Name));
        }
        else
        {
            PostgreSqlMcpLog.MalformedNotification(_logger, _notifyChannel);
            return;
        }

        foreach (Subscription subscriber in subscribers)
        {
            subscriber.Post(delivery);
        }
    }

    private async Task<byte[]?> FetchAsync(long id, string channel)
    {
        try
        {
            return await _database.RunAsync(
                (Sql: _fetchSql, Id: id),
                static async (connection, state, cancellationToken) =>
                {
                    await using NpgsqlCommand command = new(state.Sql, connection)
                    {
                        Parameters = { new NpgsqlParameter<long> { TypedValue = state.Id } },
                    };
                    await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetFieldValue<byte[]>(0) : null;
                },
                idempotent: true,
                _stopping.Token).ConfigureAwait(false) ?? LogLost(null);
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            return LogLost(e);
        }

        byte[]? LogLost(Exception? e)
        {
            PostgreSqlMcpLog.PayloadLost(_logger, id, channel, e);
            return null;
        }
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
                break;
            }
        }

        if (subscription.Address is { } address)
        {
            bool last;
            lock (_gate)
            {
                if (!subscription.Counted)
                {
                    return; // removed before
                }

                subscription.Counted = false;
                int left = (_addressSubscriptions.TryGetValue(address, out int count) ? count : 0) - 1;
                last = left <= 0;
                if (last)
                {
                    // Nobody here subscribes to the address any more (a feed whose last GET or listen stream ended): stop
                    // listening, so its messages stop reaching this replica.
                    _addressSubscriptions.Remove(address);
                    _addresses.Remove(address);
                }
                else
                {
                    _addressSubscriptions[address] = left;
                }
            }

            if (last && Volatile.Read(ref _disposed) == 0)
            {
                _ = WakeListenerAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>Counts a live subscription of an address (see <see cref="Remove"/>); under the gate.</summary>
    private void CountAddressSubscription(Subscription subscription)
    {
        lock (_gate)
        {
            _addressSubscriptions[subscription.Address!] = (_addressSubscriptions.TryGetValue(subscription.Address!, out int count) ? count : 0) + 1;
            subscription.Counted = true;
        }
    }

    private readonly record struct Delivery(byte[]? Message, PayloadReference? Reference);

    /// <summary>A large message's id; read from the database once per process, however many local subscribers want it.</summary>
    private sealed class PayloadReference(PostgreSqlMcpBackplane owner, long id, string channel)
    {
        private readonly Lazy<Task<byte[]?>> _fetch = new(() => owner.FetchAsync(id, channel), LazyThreadSafetyMode.ExecutionAndPublication);

        public Task<byte[]?> GetAsync() => _fetch.Value;
    }

    private sealed class Subscription : IAsyncDisposable
    {
        private readonly PostgreSqlMcpBackplane _owner;
        private readonly Func<ReadOnlyMemory<byte>, ValueTask> _handler;
        private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Task _pump;

        public Subscription(PostgreSqlMcpBackplane owner, string channel, string? address, Func<ReadOnlyMemory<byte>, ValueTask> handler)
        {
            _owner = owner;
            Name = channel;
            Address = address;
            _handler = handler;
            if (address is not null)
            {
                owner.CountAddressSubscription(this);
            }

            _pump = Task.Run(PumpAsync);
        }

        public string Name { get; }

        /// <summary>The address of an addressed channel, else <see langword="null"/>.</summary>
        public string? Address { get; }

        /// <summary>Whether it is counted among its address's subscriptions (until removed, once).</summary>
        public bool Counted { get; set; }

        public void Post(Delivery delivery) => _queue.Writer.TryWrite(delivery);

        public void Complete() => _queue.Writer.TryComplete();

        public async ValueTask DisposeAsync()
        {
            _owner.Remove(this);
            _queue.Writer.TryComplete();
            await _pump.ConfigureAwait(false);
        }

        private async Task PumpAsync()
        {
            await foreach (Delivery delivery in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                byte[]? message = delivery.Message ?? await delivery.Reference!.GetAsync().ConfigureAwait(false);
                if (message is null)
                {
                    continue;
                }

                try
                {
                    await _handler(message).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    PostgreSqlMcpLog.HandlerFailed(_owner._logger, Name, e);
                }
            }
        }
    }
}
