using System.Text;
using McpGen.PostgreSql.Tests.Infrastructure;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.PostgreSql.Tests;

/// <summary>What only the PostgreSQL implementation has: its tables, its schema script, payloads by reference, reconnects, DI.</summary>
public sealed class PostgreSqlSpecificTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestSchemas _schemas = new();
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => _schemas.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (IAsyncDisposable disposable in _disposables)
        {
            await disposable.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }

        await _schemas.DisposeAsync();
    }

    private T Track<T>(T disposable) where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private PostgreSqlMcpOptions Options(string schema, Action<PostgreSqlMcpOptions>? configure = null)
    {
        PostgreSqlMcpOptions options = PostgresServer.Options(_schemas.ConnectionString, schema);
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task SessionState_IsStoredAsReadableJson_WithExpiryColumns()
    {
        string schema = _schemas.NewName();
        var store = Track(new PostgreSqlMcpSessionStore(Options(schema)));
        var session = new McpSessionState("r9.readable") { ProtocolVersion = "2025-06-18", ClientInfo = new("cli", "2.0") };
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(30), 0, None));

        Assert.Equal("2025-06-18", await _schemas.ScalarAsync($"SELECT convert_from(state, 'UTF8')::json->>'protocolVersion' FROM \"{schema}\".sessions WHERE id = 'r9.readable'"));
        Assert.Equal("cli", await _schemas.ScalarAsync($"SELECT convert_from(state, 'UTF8')::json->'clientInfo'->>'name' FROM \"{schema}\".sessions WHERE id = 'r9.readable'"));
        Assert.Equal(TimeSpan.FromMinutes(30), await _schemas.ScalarAsync($"SELECT expires_at - last_seen FROM \"{schema}\".sessions WHERE id = 'r9.readable'"));
    }

    [Fact]
    public async Task Touch_IsWrittenAtMostOncePerOnePercentOfTheIdleTimeout()
    {
        string schema = _schemas.NewName();
        var store = Track(new PostgreSqlMcpSessionStore(Options(schema)));
        Assert.True(await store.CreateAsync(new McpSessionState("r9.busy"), TimeSpan.FromMinutes(10), 0, None));
        Assert.True(await store.CreateAsync(new McpSessionState("r9.short"), TimeSpan.FromSeconds(10), 0, None));
        string lastSeen(string id) => $"SELECT last_seen FROM \"{schema}\".sessions WHERE id = '{id}'";
        object? busyBefore = await _schemas.ScalarAsync(lastSeen("r9.busy"));
        object? shortBefore = await _schemas.ScalarAsync(lastSeen("r9.short"));

        await Task.Delay(300); // under 1% of 10 minutes (6 s), over 1% of 10 seconds (100 ms)
        Assert.NotNull(await store.GetAsync("r9.busy", touch: true, None));
        Assert.NotNull(await store.GetAsync("r9.short", touch: true, None));

        Assert.Equal(busyBefore, await _schemas.ScalarAsync(lastSeen("r9.busy")));
        Assert.True((DateTime)(await _schemas.ScalarAsync(lastSeen("r9.short")))! > ((DateTime)shortBefore!).AddMilliseconds(250));
    }

    [Fact]
    public async Task SchemaScript_RunWithPsql_CreatesWhatTheStoreNeeds_WithoutAutoCreate()
    {
        string schema = _schemas.NewName();
        var settings = new NpgsqlConnectionStringBuilder(_schemas.ConnectionString);
        string port = settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] psql = ["-X", "-q", "-h", settings.Host!, "-p", port, "-U", settings.Username!, "-d", settings.Database!, "-v", "ON_ERROR_STOP=1", "-v", "schema=" + schema, "-f", RepoPaths.SchemaScript];

        // Twice: the script is idempotent.
        for (int i = 0; i < 2; i++)
        {
            ProcessRunner.Result result = await ProcessRunner.RunAsync("psql", psql, RepoPaths.Root, TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 0, result.Describe());
        }

        var store = Track(new PostgreSqlMcpSessionStore(Options(schema, o => o.AutoCreateSchema = false)));
        var backplane = Track(new PostgreSqlMcpBackplane(Options(schema, o => o.AutoCreateSchema = false)));
        Assert.True(await store.CreateAsync(new McpSessionState("r9.script"), TimeSpan.FromMinutes(1), 10, None));
        Assert.Equal(1, await store.AppendEventAsync("r9.script", "s", "{}"u8.ToArray(), last: true, 10, None));
        var received = new Received();
        await using IAsyncDisposable subscription = await backplane.SubscribeAsync("c", received.Handle, None);
        await backplane.PublishAsync("c", Encoding.UTF8.GetBytes(new string('z', 10_000)), None);
        await received.WaitForCountAsync(1);
        Assert.Equal(1L, await _schemas.ScalarAsync($"SELECT count(*) FROM \"{schema}\".payloads"));
    }

    [Fact]
    public async Task MissingTables_WithoutAutoCreate_FailWithWhatToDo()
    {
        string schema = _schemas.NewName();
        var store = Track(new PostgreSqlMcpSessionStore(Options(schema, o => o.AutoCreateSchema = false)));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.GetAsync("r9.x", touch: true, None));
        Assert.Contains("schema.sql", error.Message);
        Assert.Contains("AutoCreateSchema", error.Message);
    }

    [Fact]
    public async Task ReplicasStartingAtOnce_CreateTheSchemaOnce_WithoutErrors()
    {
        string schema = _schemas.NewName();
        PostgreSqlMcpSessionStore[] stores = Enumerable.Range(0, 6).Select(_ => Track(new PostgreSqlMcpSessionStore(Options(schema)))).ToArray();

        McpSessionState?[] results = await Task.WhenAll(stores.Select(s => Task.Run(async () => await s.GetAsync("r9.none", touch: true, None))));

        Assert.All(results, Assert.Null);
        // sessions, streams, events, payloads and (schema version 3) tasks.
        Assert.Equal(5L, await _schemas.ScalarAsync($"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"));
    }

    [Fact]
    public async Task LargeMessages_TravelByReference_AndOldPayloadsAreRemoved()
    {
        string schema = _schemas.NewName();
        var backplane = Track(new PostgreSqlMcpBackplane(Options(schema, o => o.PayloadRetention = TimeSpan.FromSeconds(1))));
        var received = new Received();
        await using IAsyncDisposable subscription = await backplane.SubscribeAsync("big", received.Handle, None);
        string payloads = $"SELECT count(*) FROM \"{schema}\".payloads";

        await backplane.PublishAsync("big", Encoding.UTF8.GetBytes("small"), None);
        Assert.Equal(0L, await _schemas.ScalarAsync(payloads));
        await backplane.PublishAsync("big", Encoding.UTF8.GetBytes(new string('L', 50_000)), None);
        Assert.Equal(1L, await _schemas.ScalarAsync(payloads));
        await received.WaitForCountAsync(2);
        Assert.Equal(50_000, received.Messages[1].Length);

        Assert.Equal(0, await backplane.RemoveExpiredPayloadsAsync(None));
        await Task.Delay(1500);
        Assert.Equal(1, await backplane.RemoveExpiredPayloadsAsync(None));
        Assert.Equal(0L, await _schemas.ScalarAsync(payloads));
    }

    [Fact]
    public async Task TwoApplicationsInOneDatabase_WithTheirOwnSchemas_DoNotHearEachOther()
    {
        var one = Track(new PostgreSqlMcpBackplane(Options(_schemas.NewName())));
        var other = Track(new PostgreSqlMcpBackplane(Options(_schemas.NewName())));
        var onOne = new Received();
        var onOther = new Received();
        await using IAsyncDisposable s1 = await one.SubscribeAsync("same-channel", onOne.Handle, None);
        await using IAsyncDisposable s2 = await other.SubscribeAsync("same-channel", onOther.Handle, None);

        await one.PublishAsync("same-channel", "one"u8.ToArray(), None);
        await other.PublishAsync("same-channel", "other"u8.ToArray(), None);

        await onOne.WaitForCountAsync(1);
        await onOther.WaitForCountAsync(1);
        await one.PublishAsync("same-channel", "one again"u8.ToArray(), None);
        await onOne.WaitForCountAsync(2);
        Assert.Equal(["one", "one again"], onOne.Texts);
        Assert.Equal(["other"], onOther.Texts);
    }

    [Fact]
    public async Task AddressedChannel_IsUnlistenedWhenItsLastSubscriptionEnds_AndListenedAgainByTheNext()
    {
        string schema = _schemas.NewName();
        var receiver = Track(new PostgreSqlMcpBackplane(Options(schema)));
        var sender = Track(new PostgreSqlMcpBackplane(Options(schema)));
        var markers = new Received();
        await using IAsyncDisposable broadcast = await receiver.SubscribeAsync("marker", markers.Handle, None);

        var first = new Received();
        IAsyncDisposable one = await receiver.SubscribeAsync("@feed1:x", first.Handle, None);
        IAsyncDisposable two = await receiver.SubscribeAsync("@feed1:y", new Received().Handle, None);
        await sender.PublishAsync("@feed1:x", "one"u8.ToArray(), None);
        await first.WaitForCountAsync(1);

        await one.DisposeAsync();
        Assert.True(receiver.ListensTo("feed1")); // another channel of the address is still subscribed
        await two.DisposeAsync();
        await Eventually.TrueAsync(() => !receiver.ListensTo("feed1"), TimeSpan.FromSeconds(20), "UNLISTEN of the address without subscriptions");

        // Not listened: the message does not reach the receiver at all (one NOTIFY stream: the marker after it proves it).
        long before = receiver.Counters!.Snapshot().ReceivedAddressed;
        await sender.PublishAsync("@feed1:x", "lost"u8.ToArray(), None);
        await sender.PublishAsync("marker", "m"u8.ToArray(), None);
        await markers.WaitForCountAsync(1);
        Assert.Equal(before, receiver.Counters!.Snapshot().ReceivedAddressed);

        var again = new Received();
        await using IAsyncDisposable three = await receiver.SubscribeAsync("@feed1:x", again.Handle, None);
        Assert.True(receiver.ListensTo("feed1"));
        await sender.PublishAsync("@feed1:x", "three"u8.ToArray(), None);
        await again.WaitForCountAsync(1);
        Assert.Equal(["one"], first.Texts);
        Assert.Equal(["three"], again.Texts);
    }

    [Fact]
    public async Task KilledListenConnection_Reconnects_AndTheSubscriptionReceivesAgain()
    {
        string schema = _schemas.NewName();
        var backplane = Track(new PostgreSqlMcpBackplane(Options(schema)));
        var received = new Received();
        await using IAsyncDisposable subscription = await backplane.SubscribeAsync("survivor", received.Handle, None);
        await backplane.PublishAsync("survivor", "before"u8.ToArray(), None);
        await received.WaitForCountAsync(1);

        object? killed = await _schemas.ScalarAsync($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN \"{schema}%'");
        Assert.Equal(1L, killed);

        Assert.Equal(1, backplane.ListenCount);
        await Eventually.TrueAsync(() => backplane.ListenCount == 2, TimeSpan.FromSeconds(20), "the backplane listening again on a new connection");
        await PublishUntilReceivedAsync(backplane, "survivor", received, TimeSpan.FromSeconds(20));
        Assert.True(backplane.IsListening);
        Assert.Equal("before", received.Texts[0]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("pipe|inside")]
    [InlineData("star*inside")]
    [InlineData("ünicode")]
    public async Task InvalidChannelNames_AreRejected(string channel)
    {
        var backplane = Track(new PostgreSqlMcpBackplane(Options(_schemas.NewName())));

        var publish = await Assert.ThrowsAsync<ArgumentException>(async () => await backplane.PublishAsync(channel, "x"u8.ToArray(), None));
        await Assert.ThrowsAsync<ArgumentException>(async () => await backplane.SubscribeAsync(channel, _ => ValueTask.CompletedTask, None));
        Assert.Contains("channel", publish.Message);
    }

    [Theory]
    [InlineData("bad-schema", null, "SchemaName")]
    [InlineData("1schema", null, "SchemaName")]
    [InlineData("ok", "bad channel", "NotifyChannel")]
    public void InvalidOptions_AreRejectedAtConstruction_NamingTheOption(string schema, string? channel, string named)
    {
        var options = new PostgreSqlMcpOptions { ConnectionString = "Host=127.0.0.1", SchemaName = schema, NotifyChannel = channel };

        var error = Assert.Throws<ArgumentException>(() => new PostgreSqlMcpSessionStore(options));
        Assert.Contains(named, error.Message);
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMcpGenPostgreSql("Host=127.0.0.1", o =>
        {
            o.SchemaName = schema;
            o.NotifyChannel = channel;
        }));
    }

    [Fact]
    public async Task ConnectionString_GetsTheOptionTimeouts_UnlessItSetsItsOwn()
    {
        await using var defaults = new PostgreSqlMcpDatabase(new PostgreSqlMcpOptions { ConnectionString = "Host=127.0.0.1;Database=x" });
        await using var own = new PostgreSqlMcpDatabase(new PostgreSqlMcpOptions { ConnectionString = "Host=127.0.0.1;Database=x;Timeout=30;Command Timeout=60" });

        var d = new NpgsqlConnectionStringBuilder(defaults.DataSource.ConnectionString);
        var o = new NpgsqlConnectionStringBuilder(own.DataSource.ConnectionString);
        Assert.Equal((5, 10), (d.Timeout, d.CommandTimeout));
        Assert.Equal((30, 60), (o.Timeout, o.CommandTimeout));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddMcpGenPostgreSql_ReplacesTheInMemoryDefaults_WhateverTheOrder(bool postgresFirst)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (postgresFirst)
        {
            services.AddMcpGenPostgreSql(_schemas.ConnectionString, o => o.SchemaName = "unused");
        }

        // What AddMcpServerCore does for the in-memory defaults.
        services.TryAddSingleton<IMcpSessionStore, InMemoryMcpSessionStore>();
        services.TryAddSingleton<IMcpBackplane, InMemoryMcpBackplane>();
        if (!postgresFirst)
        {
            services.AddMcpGenPostgreSql(_schemas.ConnectionString, o => o.SchemaName = "unused");
        }

        services.AddMcpGenPostgreSql(_schemas.ConnectionString, o => o.SchemaName = "unused_twice");
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.IsType<PostgreSqlMcpSessionStore>(provider.GetRequiredService<IMcpSessionStore>());
        Assert.IsType<PostgreSqlMcpBackplane>(provider.GetRequiredService<IMcpBackplane>());
        Assert.Same(provider.GetRequiredService<PostgreSqlMcpSessionStore>(), provider.GetRequiredService<IMcpSessionStore>());
        Assert.Single(provider.GetServices<IMcpSessionStore>());
        Assert.Equal("unused_twice", provider.GetRequiredService<PostgreSqlMcpDatabase>().Options.SchemaName);
        Assert.Single(provider.GetServices<IHostedService>().OfType<PostgreSqlMcpCleanupService>());
    }

    [Fact]
    public async Task CleanupService_InARealHost_RemovesExpiredSessionsAndTheirEvents()
    {
        string schema = _schemas.NewName();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddMcpGenPostgreSql(_schemas.ConnectionString, o =>
        {
            o.SchemaName = schema;
            o.CleanupInterval = TimeSpan.FromMilliseconds(200);
        });
        using IHost host = builder.Build();
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            IMcpSessionStore store = host.Services.GetRequiredService<IMcpSessionStore>();
            Assert.True(await store.CreateAsync(new McpSessionState("r9.short"), TimeSpan.FromMilliseconds(300), 0, None));
            Assert.True(await store.CreateAsync(new McpSessionState("r9.long"), TimeSpan.FromMinutes(5), 0, None));
            Assert.Equal(1, await store.AppendEventAsync("r9.short", "get", "{}"u8.ToArray(), last: false, 10, None));

            string count = $"SELECT (SELECT count(*) FROM \"{schema}\".sessions) * 100 + (SELECT count(*) FROM \"{schema}\".events)";
            Assert.Equal(201L, await _schemas.ScalarAsync(count));
            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            while ((long)(await _schemas.ScalarAsync(count))! != 100L && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.Equal(100L, await _schemas.ScalarAsync(count)); // r9.long alone, no events
        }
        finally
        {
            await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Publishes numbered probes until one reaches <paramref name="received"/> (a reconnect loses what was sent before it).</summary>
    internal static async Task PublishUntilReceivedAsync(IMcpBackplane backplane, string channel, Received received, TimeSpan limit)
    {
        int before = received.Messages.Count;
        DateTime deadline = DateTime.UtcNow + limit;
        for (int probe = 0; received.Messages.Count == before; probe++)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"No probe reached the subscription within {limit.TotalSeconds:0} s.");
            }

            try
            {
                await backplane.PublishAsync(channel, Encoding.UTF8.GetBytes($"probe {probe}"), None);
            }
            catch (McpStoreUnavailableException)
            {
                // The database is still coming back.
            }

            await Task.Delay(200);
        }
    }
}
