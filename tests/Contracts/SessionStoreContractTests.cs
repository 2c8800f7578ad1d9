using System.Diagnostics;
using System.Text;
using McpGen.Sessions;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Testing;

/// <summary>
/// The <see cref="IMcpSessionStore"/> contract, run against every implementation: what the endpoint may rely on,
/// whichever store a server is configured with. Every store operation is bounded by the implementation's own timeouts
/// (PostgreSQL: 3 s to connect, 10 s per statement; Redis: 3 s per command); waits for expiry are a few seconds of real time.
/// Shared by the store test projects (tests/Contracts, linked into McpGen.PostgreSql.Tests and McpGen.Redis.Tests).
/// </summary>
public abstract class SessionStoreContractTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IMcpSessionStore> NewStoreAsync();

    /// <summary>Another instance over the same data as <paramref name="store"/>: a second replica.</summary>
    protected abstract IMcpSessionStore Replica(IMcpSessionStore store);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static McpSessionState NewSession(string? id = null) => new(id ?? "r1." + Guid.NewGuid().ToString("N"))
    {
        RouteKey = "r1",
        PrincipalKey = "sha256:abc",
        ProtocolVersion = "2025-11-25",
    };

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Create_ThenGet_RoundTripsEveryField()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState session = NewSession();
        session.ClientCapabilities = Utf8("""{"sampling":{},"elicitation":{"form":{}},"roots":{"listChanged":true}}""");
        session.ClientInfo = new McpClientInfo("inspector", "1.2.3", "MCP Inspector ✓");
        session.LogLevel = McpLogLevel.Warning;
        session.Subscriptions.Add("file:///a.txt");
        session.Subscriptions.Add("db://t/1?x=ü");
        session.Items["tenant"] = "acme";
        session.Items["note"] = "quote \" and \\ and ünïcode";

        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        McpSessionState? loaded = await store.GetAsync(session.Id, touch: false, None);

        Assert.NotNull(loaded);
        Assert.Equal(session.Id, loaded.Id);
        Assert.Equal("r1", loaded.RouteKey);
        Assert.Equal("sha256:abc", loaded.PrincipalKey);
        Assert.Equal("2025-11-25", loaded.ProtocolVersion);
        Assert.Equal("""{"sampling":{},"elicitation":{"form":{}},"roots":{"listChanged":true}}""", Encoding.UTF8.GetString(loaded.ClientCapabilities.Span));
        Assert.Equal(new McpClientInfo("inspector", "1.2.3", "MCP Inspector ✓"), loaded.ClientInfo);
        Assert.Equal(McpLogLevel.Warning, loaded.LogLevel);
        Assert.Equal(["db://t/1?x=ü", "file:///a.txt"], loaded.Subscriptions.Order(StringComparer.Ordinal));
        Assert.Equal("acme", loaded.Items["tenant"]);
        Assert.Equal("quote \" and \\ and ünïcode", loaded.Items["note"]);
        Assert.Equal(2, loaded.Items.Count);
        Assert.InRange(loaded.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(loaded.LastSeenAt >= loaded.CreatedAt.AddMilliseconds(-1));
    }

    [Fact]
    public async Task Create_WithoutClientInfoOrLogLevel_LoadsThemAsNull()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState session = NewSession();
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));

        McpSessionState loaded = (await store.GetAsync(session.Id, touch: true, None))!;
        Assert.Null(loaded.ClientInfo);
        Assert.Null(loaded.LogLevel);
        Assert.Equal("{}", Encoding.UTF8.GetString(loaded.ClientCapabilities.Span));
        Assert.Empty(loaded.Subscriptions);
        Assert.Empty(loaded.Items);
    }

    [Fact]
    public async Task Create_SameIdTwice_Throws()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState session = NewSession();
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.CreateAsync(NewSession(session.Id), TimeSpan.FromMinutes(5), 0, None));
    }

    [Fact]
    public async Task Get_Unknown_ReturnsNull()
    {
        IMcpSessionStore store = await NewStoreAsync();
        Assert.Null(await store.GetAsync("r1.nope", touch: true, None));
        Assert.Null(await store.GetAsync("r1.nope", touch: false, None));
    }

    [Fact]
    public async Task Get_HandsOutCopies_ChangesPersistOnlyThroughUpdate()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState session = NewSession();
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        session.Items["after-create"] = "not stored";

        McpSessionState first = (await store.GetAsync(session.Id, touch: true, None))!;
        first.Subscriptions.Add("file:///x");
        first.LogLevel = McpLogLevel.Debug;
        McpSessionState second = (await store.GetAsync(session.Id, touch: true, None))!;
        Assert.Empty(second.Subscriptions);
        Assert.Null(second.LogLevel);
        Assert.False(second.Items.ContainsKey("after-create"));

        Assert.Equal(McpSessionUpdate.Updated, await store.UpdateAsync(first, None));
        McpSessionState third = (await store.GetAsync(session.Id, touch: false, None))!;
        Assert.Equal(["file:///x"], third.Subscriptions);
        Assert.Equal(McpLogLevel.Debug, third.LogLevel);
    }

    [Fact]
    public async Task Update_OfDeletedSession_ReturnsFalse()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState session = NewSession();
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        Assert.True(await store.DeleteAsync(session.Id, None));

        Assert.Equal(McpSessionUpdate.NotFound, await store.UpdateAsync(session, None));
        Assert.Null(await store.GetAsync(session.Id, touch: true, None));
    }

    [Fact]
    public async Task Delete_RemovesSessionAndEvents_SecondDeleteReturnsFalse()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState session = NewSession();
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        Assert.Equal(1, await store.AppendEventAsync(session.Id, "get", Utf8("{}"), last: false, 100, None));

        Assert.True(await store.DeleteAsync(session.Id, None));
        Assert.False(await store.DeleteAsync(session.Id, None));
        Assert.Null(await store.GetAsync(session.Id, touch: false, None));
        Assert.Empty(await store.ReadEventsAsync(session.Id, "get", 0, None));
    }

    [Fact]
    public async Task MaxSessions_RefusesBeyondTheLimit_AndFreesASlotOnDelete()
    {
        IMcpSessionStore store = await NewStoreAsync();
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            McpSessionState session = NewSession();
            ids.Add(session.Id);
            Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 3, None));
        }

        Assert.False(await store.CreateAsync(NewSession(), TimeSpan.FromMinutes(5), 3, None));
        Assert.True(await store.DeleteAsync(ids[0], None));
        Assert.True(await store.CreateAsync(NewSession(), TimeSpan.FromMinutes(5), 3, None));
        Assert.False(await store.CreateAsync(NewSession(), TimeSpan.FromMinutes(5), 3, None));

        // 0 means no limit.
        Assert.True(await store.CreateAsync(NewSession(), TimeSpan.FromMinutes(5), 0, None));
    }

    [Fact]
    public async Task MaxSessions_CountsOnlyLiveSessions()
    {
        IMcpSessionStore store = await NewStoreAsync();
        Assert.True(await store.CreateAsync(NewSession(), TimeSpan.FromMilliseconds(300), 2, None));
        Assert.True(await store.CreateAsync(NewSession(), TimeSpan.FromMilliseconds(300), 2, None));
        Assert.False(await store.CreateAsync(NewSession(), TimeSpan.FromMinutes(5), 2, None));

        await Task.Delay(700);
        Assert.True(await store.CreateAsync(NewSession(), TimeSpan.FromMinutes(5), 2, None));
    }

    [Fact]
    public async Task MaxSessions_HoldsUnderConcurrentCreatesFromTwoReplicas()
    {
        IMcpSessionStore a = await NewStoreAsync();
        IMcpSessionStore b = Replica(a);
        Task<bool>[] creates = Enumerable.Range(0, 40)
            .Select(i => Task.Run(async () => await (i % 2 == 0 ? a : b).CreateAsync(NewSession(), TimeSpan.FromMinutes(5), 10, None)))
            .ToArray();
        bool[] results = await Task.WhenAll(creates);

        Assert.Equal(10, results.Count(created => created));
        Assert.False(await a.CreateAsync(NewSession(), TimeSpan.FromMinutes(5), 10, None));
    }

    [Fact]
    public async Task Expiry_IsSliding_TouchMovesIt_ReadWithoutTouchDoesNot()
    {
        IMcpSessionStore store = await NewStoreAsync();
        // Seconds are doubled from the first version of this test: it runs beside NativeAOT publishes that take every core,
        // and each step now has 1.4 s or more of margin on either side.
        TimeSpan idle = TimeSpan.FromSeconds(6);
        McpSessionState touched = NewSession();
        McpSessionState untouched = NewSession();
        var clock = Stopwatch.StartNew();
        Assert.True(await store.CreateAsync(touched, idle, 0, None));
        Assert.True(await store.CreateAsync(untouched, idle, 0, None));
        DateTimeOffset createdSeen = (await store.GetAsync(touched.Id, touch: false, None))!.LastSeenAt;

        // 3 s: both live; touching one moves its expiry to 9 s.
        await DelayUntil(clock, 3);
        McpSessionState? slid = await store.GetAsync(touched.Id, touch: true, None);
        Assert.NotNull(slid);
        Assert.True(slid.LastSeenAt >= createdSeen.AddSeconds(2.4), $"touch moved LastSeenAt from {createdSeen:O} to {slid.LastSeenAt:O}");
        Assert.NotNull(await store.GetAsync(untouched.Id, touch: false, None));

        // 7.4 s: past the untouched session's expiry (6 s), before the touched one's (9 s).
        await DelayUntil(clock, 7.4);
        Assert.NotNull(await store.GetAsync(touched.Id, touch: false, None));
        Assert.Null(await store.GetAsync(untouched.Id, touch: true, None));
        Assert.Equal(McpSessionUpdate.NotFound, await store.UpdateAsync(untouched, None));

        // 10.6 s: past both.
        await DelayUntil(clock, 10.6);
        Assert.Null(await store.GetAsync(touched.Id, touch: true, None));
    }

    private static Task DelayUntil(Stopwatch clock, double seconds)
    {
        TimeSpan wait = TimeSpan.FromSeconds(seconds) - clock.Elapsed;
        return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
    }

    [Fact]
    public async Task IdleTimeoutZero_NeverExpires()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState session = NewSession();
        Assert.True(await store.CreateAsync(session, TimeSpan.Zero, 0, None));
        await Task.Delay(300);
        Assert.NotNull(await store.GetAsync(session.Id, touch: true, None));
        Assert.Equal(0, await store.RemoveExpiredAsync(None));
    }

    [Fact]
    public async Task RemoveExpired_DeletesExpiredSessionsWithTheirEvents_AndKeepsLiveOnes()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState expiring = NewSession();
        McpSessionState live = NewSession();
        Assert.True(await store.CreateAsync(expiring, TimeSpan.FromMilliseconds(300), 0, None));
        Assert.True(await store.CreateAsync(live, TimeSpan.FromMinutes(5), 0, None));
        Assert.Equal(1, await store.AppendEventAsync(expiring.Id, "s", Utf8("{\"n\":1}"), last: false, 10, None));
        Assert.Equal(1, await store.AppendEventAsync(live.Id, "s", Utf8("{\"n\":1}"), last: false, 10, None));

        await Task.Delay(700);
        Assert.Equal(1, await store.RemoveExpiredAsync(None));
        Assert.Equal(0, await store.RemoveExpiredAsync(None));
        Assert.Empty(await store.ReadEventsAsync(expiring.Id, "s", 0, None));
        Assert.False(await store.DeleteAsync(expiring.Id, None));
        Assert.Single(await store.ReadEventsAsync(live.Id, "s", 0, None));
    }

    [Fact]
    public async Task Events_AreNumberedPerStream_ReadAfterASequence_WithTheLastFlag()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState session = NewSession();
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));

        Assert.Equal(1, await store.AppendEventAsync(session.Id, "req-1", Utf8("""{"a":1}"""), last: false, 100, None));
        Assert.Equal(1, await store.AppendEventAsync(session.Id, "get", Utf8("""{"g":1}"""), last: false, 100, None));
        Assert.Equal(2, await store.AppendEventAsync(session.Id, "req-1", Utf8("""{"a":2}"""), last: false, 100, None));
        Assert.Equal(3, await store.AppendEventAsync(session.Id, "req-1", Utf8("""{"a":3}"""), last: true, 100, None));

        IReadOnlyList<McpStoredEvent> all = await store.ReadEventsAsync(session.Id, "req-1", 0, None);
        Assert.Equal([1L, 2L, 3L], all.Select(e => e.Sequence));
        Assert.Equal(["""{"a":1}""", """{"a":2}""", """{"a":3}"""], all.Select(e => Encoding.UTF8.GetString(e.Message.Span)));
        Assert.Equal([false, false, true], all.Select(e => e.Last));

        IReadOnlyList<McpStoredEvent> after = await store.ReadEventsAsync(session.Id, "req-1", 2, None);
        Assert.Equal(3, Assert.Single(after).Sequence);
        Assert.Empty(await store.ReadEventsAsync(session.Id, "req-1", 3, None));
        Assert.Empty(await store.ReadEventsAsync(session.Id, "unknown-stream", 0, None));
        Assert.Single(await store.ReadEventsAsync(session.Id, "get", 0, None));
    }

    [Fact]
    public async Task Events_KeepOnlyTheLastCapacity_AndNumberingGoesOn()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState session = NewSession();
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        for (int i = 1; i <= 7; i++)
        {
            Assert.Equal(i, await store.AppendEventAsync(session.Id, "get", Utf8($$"""{"n":{{i}}}"""), last: false, 3, None));
        }

        IReadOnlyList<McpStoredEvent> kept = await store.ReadEventsAsync(session.Id, "get", 0, None);
        Assert.Equal([5L, 6L, 7L], kept.Select(e => e.Sequence));
        Assert.Equal("""{"n":7}""", Encoding.UTF8.GetString(kept[^1].Message.Span));
        Assert.Equal([7L], (await store.ReadEventsAsync(session.Id, "get", 6, None)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Events_AreBinarySafe()
    {
        IMcpSessionStore store = await NewStoreAsync();
        McpSessionState session = NewSession();
        Assert.True(await store.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        byte[] bytes = [0, 1, 2, 0xFF, 0xFE, (byte)'|', 0xC3, 0x28, 0];
        byte[] large = new byte[200_000];
        new Random(42).NextBytes(large);

        Assert.Equal(1, await store.AppendEventAsync(session.Id, "s", bytes, last: false, 10, None));
        Assert.Equal(2, await store.AppendEventAsync(session.Id, "s", large, last: true, 10, None));
        IReadOnlyList<McpStoredEvent> events = await store.ReadEventsAsync(session.Id, "s", 0, None);
        Assert.Equal(bytes, events[0].Message.ToArray());
        Assert.Equal(large, events[1].Message.ToArray());
    }

    [Fact]
    public async Task Append_ToUnknownSession_ReturnsZero()
    {
        IMcpSessionStore store = await NewStoreAsync();
        Assert.Equal(0, await store.AppendEventAsync("r1.missing", "s", Utf8("{}"), last: false, 10, None));
        Assert.Empty(await store.ReadEventsAsync("r1.missing", "s", 0, None));
    }

    [Fact]
    public async Task ConcurrentAppends_FromParallelTasks_GetConsecutiveUniqueSequences()
    {
        IMcpSessionStore store = await NewStoreAsync();
        await AssertConcurrentAppendsAsync([store, store, store, store]);
    }

    [Fact]
    public async Task ConcurrentAppends_FromTwoReplicas_GetConsecutiveUniqueSequences()
    {
        IMcpSessionStore a = await NewStoreAsync();
        IMcpSessionStore b = Replica(a);
        await AssertConcurrentAppendsAsync([a, b, a, b]);
    }

    [Fact]
    public async Task Update_FromAStaleSnapshot_IsAConflict_AndWritesNothing()
    {
        IMcpSessionStore a = await NewStoreAsync();
        IMcpSessionStore b = Replica(a);
        McpSessionState session = NewSession();
        Assert.True(await a.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        McpSessionState onA = (await a.GetAsync(session.Id, touch: false, None))!;
        McpSessionState onB = (await b.GetAsync(session.Id, touch: false, None))!;
        Assert.Equal(onA.Version, onB.Version);

        onA.Subscriptions.Add("file:///first");
        Assert.Equal(McpSessionUpdate.Updated, await a.UpdateAsync(onA, None));
        Assert.Equal(onB.Version + 1, onA.Version);
        onB.Subscriptions.Add("file:///second");
        long stale = onB.Version;
        Assert.Equal(McpSessionUpdate.Conflict, await b.UpdateAsync(onB, None));
        Assert.Equal(stale, onB.Version);

        McpSessionState stored = (await b.GetAsync(session.Id, touch: false, None))!;
        Assert.Equal(["file:///first"], stored.Subscriptions);
        Assert.Equal(onA.Version, stored.Version);
        stored.Subscriptions.Add("file:///second");
        Assert.Equal(McpSessionUpdate.Updated, await b.UpdateAsync(stored, None));
        Assert.Equal(["file:///first", "file:///second"], (await a.GetAsync(session.Id, touch: false, None))!.Subscriptions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Concurrent_changes_of_one_session_on_two_replicas_lose_none()
    {
        // 1,000 subscription changes of one session, half on each replica, in rounds of 16: each round reads its 16
        // snapshots first (all at one version), then writes them at once, so 15 writes of every round meet a newer
        // version and are re-applied to a fresh read (SessionChanges), on both replicas.
        IMcpSessionStore a = await NewStoreAsync();
        IMcpSessionStore b = Replica(a);
        McpSessionState session = NewSession();
        Assert.True(await a.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        int conflicts = 0;
        foreach (int[] round in Enumerable.Range(0, 1000).Chunk(16))
        {
            McpSessionState[] snapshots = await Task.WhenAll(round.Select(async i => (await (i % 2 == 0 ? a : b).GetAsync(session.Id, touch: false, None))!));
            bool[] kept = await Task.WhenAll(round.Select((i, n) => Task.Run(async () =>
            {
                IMcpSessionStore replica = i % 2 == 0 ? a : b;
                return await SessionChanges.ApplyAsync(snapshots[n], $"file:///{i}", static (s, uri) => s.Subscriptions.Add(uri),
                    async (s, c) =>
                    {
                        McpSessionUpdate result = await replica.UpdateAsync(s, c);
                        if (result == McpSessionUpdate.Conflict)
                        {
                            Interlocked.Increment(ref conflicts);
                        }

                        return result;
                    },
                    (id, c) => replica.GetAsync(id, touch: false, c), None);
            })));
            Assert.All(kept, Assert.True);
        }

        McpSessionState final = (await a.GetAsync(session.Id, touch: false, None))!;
        Assert.Equal(1000, final.Subscriptions.Count);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"file:///{i}").Order(StringComparer.Ordinal), final.Subscriptions.Order(StringComparer.Ordinal));
        // At least all but one first write of every round conflicted: 62 rounds of 16 and one of 8.
        Assert.True(conflicts >= 62 * 15 + 7, $"only {conflicts} conflicts: the rounds did not write from one version");
    }

    [Fact]
    public async Task Replicas_ShareSessions_ChangesOnOneAreSeenOnTheOther()
    {
        IMcpSessionStore a = await NewStoreAsync();
        IMcpSessionStore b = Replica(a);
        McpSessionState session = NewSession();
        Assert.True(await a.CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));

        McpSessionState onB = (await b.GetAsync(session.Id, touch: true, None))!;
        onB.Subscriptions.Add("file:///shared");
        onB.Items["k"] = "v";
        Assert.Equal(McpSessionUpdate.Updated, await b.UpdateAsync(onB, None));
        Assert.Equal(1, await b.AppendEventAsync(session.Id, "get", Utf8("{}"), last: false, 10, None));

        McpSessionState onA = (await a.GetAsync(session.Id, touch: true, None))!;
        Assert.Equal(["file:///shared"], onA.Subscriptions);
        Assert.Equal("v", onA.Items["k"]);
        Assert.Single(await a.ReadEventsAsync(session.Id, "get", 0, None));

        Assert.True(await a.DeleteAsync(session.Id, None));
        Assert.Null(await b.GetAsync(session.Id, touch: true, None));
    }

    private static async Task AssertConcurrentAppendsAsync(IMcpSessionStore[] writers)
    {
        McpSessionState session = NewSession();
        Assert.True(await writers[0].CreateAsync(session, TimeSpan.FromMinutes(5), 0, None));
        const int PerWriter = 40;
        Task<(long Sequence, string Message)[]>[] appends = writers
            .Select((store, writer) => Task.Run(async () =>
            {
                var mine = new List<(long, string)>();
                for (int i = 0; i < PerWriter; i++)
                {
                    string message = $$"""{"writer":{{writer}},"i":{{i}}}""";
                    mine.Add((await store.AppendEventAsync(session.Id, "shared", Utf8(message), last: false, 1000, None), message));
                }

                return mine.ToArray();
            }))
            .ToArray();
        (long Sequence, string Message)[] appended = (await Task.WhenAll(appends)).SelectMany(x => x).ToArray();

        int total = writers.Length * PerWriter;
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), appended.Select(a => a.Sequence).Order());
        IReadOnlyList<McpStoredEvent> stored = await writers[1].ReadEventsAsync(session.Id, "shared", 0, None);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), stored.Select(e => e.Sequence));
        Dictionary<long, string> bySequence = appended.ToDictionary(a => a.Sequence, a => a.Message);
        Assert.All(stored, e => Assert.Equal(bySequence[e.Sequence], Encoding.UTF8.GetString(e.Message.Span)));
    }
}
