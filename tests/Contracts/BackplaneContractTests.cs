using System.Text;
using McpGen.Sessions;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Testing;

/// <summary>
/// The <see cref="IMcpBackplane"/> contract, run against every implementation. Deliveries are awaited with bounded
/// polls (10 s); "nothing arrived" is proven by a later message on the same path arriving first. Shared by the store test
/// projects (tests/Contracts, linked into McpGen.PostgreSql.Tests and McpGen.Redis.Tests).
/// </summary>
public abstract class BackplaneContractTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A new backplane with no subscribers, isolated from the other tests.</summary>
    protected abstract Task<IMcpBackplane> NewBackplaneAsync();

    /// <summary>Another instance on the same bus as <paramref name="backplane"/>: a second replica.</summary>
    protected abstract IMcpBackplane Replica(IMcpBackplane backplane);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The largest payload that still travels inline on <paramref name="channel"/>, for backends that switch to another path above it (PostgreSQL: by reference); the size test sends one byte on each side of it.</summary>
    protected virtual int InlinePayloadLimit(string channel) => 8000;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Publish_ReachesTheSubscriber_IncludingThePublishersOwn()
    {
        IMcpBackplane backplane = await NewBackplaneAsync();
        var received = new Received();
        await using IAsyncDisposable subscription = await backplane.SubscribeAsync("session:abc:stream:get", received.Handle, None);

        await backplane.PublishAsync("session:abc:stream:get", Utf8("""{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"""), None);

        await received.WaitForCountAsync(1);
        Assert.Equal(["""{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"""], received.Texts);
    }

    [Fact]
    public async Task Channels_AreIsolated()
    {
        IMcpBackplane backplane = await NewBackplaneAsync();
        var a = new Received();
        var b = new Received();
        await using IAsyncDisposable subA = await backplane.SubscribeAsync("chan-a", a.Handle, None);
        await using IAsyncDisposable subB = await backplane.SubscribeAsync("chan-b", b.Handle, None);

        await backplane.PublishAsync("chan-a", Utf8("for a"), None);
        await backplane.PublishAsync("chan-b", Utf8("for b"), None);
        await backplane.PublishAsync("chan-c", Utf8("for nobody"), None);
        await backplane.PublishAsync("chan-a", Utf8("for a again"), None);

        await a.WaitForCountAsync(2);
        await b.WaitForCountAsync(1);
        Assert.Equal(["for a", "for a again"], a.Texts);
        Assert.Equal(["for b"], b.Texts);
    }

    [Fact]
    public async Task AddressedChannels_ReachOnlyTheReplicaThatSubscribedTheAddress()
    {
        IMcpBackplane a = await NewBackplaneAsync();
        IMcpBackplane b = Replica(a);
        Assert.NotNull(a.Counters);
        Assert.NotNull(b.Counters);
        var onA = new Received();
        var onB = new Received();
        await using IAsyncDisposable subA = await a.SubscribeAsync("@nodea:reply", onA.Handle, None);
        await using IAsyncDisposable subB = await b.SubscribeAsync("@nodeb:reply", onB.Handle, None);
        McpBackplaneCounts aBefore = a.Counters!.Snapshot();
        McpBackplaneCounts bBefore = b.Counters!.Snapshot();

        for (int i = 0; i < 5; i++)
        {
            await b.PublishAsync("@nodea:reply", Utf8("to a " + i), None);
        }

        await a.PublishAsync("@nodeb:reply", Utf8("to b"), None);

        await onA.WaitForCountAsync(5);
        await onB.WaitForCountAsync(1);
        Assert.Equal(["to a 0", "to a 1", "to a 2", "to a 3", "to a 4"], onA.Texts);
        Assert.Equal(["to b"], onB.Texts);

        // Each replica received only what was addressed to it: five for a, one for b, none dropped (an in-process
        // backplane is its own replica: it received the six once each).
        McpBackplaneCounts aSince = a.Counters.Snapshot().Since(aBefore);
        McpBackplaneCounts bSince = b.Counters.Snapshot().Since(bBefore);
        if (ReferenceEquals(a, b))
        {
            Assert.Equal((6L, 0L, 6L, 0L), (aSince.ReceivedAddressed, aSince.ReceivedBroadcast, aSince.Delivered, aSince.Dropped));
            return;
        }

        Assert.Equal((5L, 0L, 5L, 0L), (aSince.ReceivedAddressed, aSince.ReceivedBroadcast, aSince.Delivered, aSince.Dropped));
        Assert.Equal((1L, 0L, 1L, 0L), (bSince.ReceivedAddressed, bSince.ReceivedBroadcast, bSince.Delivered, bSince.Dropped));
    }

    [Fact]
    public async Task EverySubscriberOfAChannel_GetsEachMessage()
    {
        IMcpBackplane backplane = await NewBackplaneAsync();
        var first = new Received();
        var second = new Received();
        await using IAsyncDisposable one = await backplane.SubscribeAsync("fanout", first.Handle, None);
        await using IAsyncDisposable two = await backplane.SubscribeAsync("fanout", second.Handle, None);

        await backplane.PublishAsync("fanout", Utf8("m1"), None);
        await backplane.PublishAsync("fanout", Utf8("m2"), None);

        await first.WaitForCountAsync(2);
        await second.WaitForCountAsync(2);
        Assert.Equal(["m1", "m2"], first.Texts);
        Assert.Equal(["m1", "m2"], second.Texts);
    }

    [Fact]
    public async Task Messages_ArriveInPublishOrder_SmallAndLargeMixed()
    {
        IMcpBackplane backplane = await NewBackplaneAsync();
        var received = new Received();
        await using IAsyncDisposable subscription = await backplane.SubscribeAsync("ordered", received.Handle, None);
        var expected = new List<string>();
        for (int i = 0; i < 150; i++)
        {
            // Every 10th message is too large for a NOTIFY payload and travels by reference.
            string message = i % 10 == 5 ? $"{i}:" + new string('x', 20_000) : $"{i}";
            expected.Add(message);
            await backplane.PublishAsync("ordered", Utf8(message), None);
        }

        await received.WaitForCountAsync(150, TimeSpan.FromSeconds(20));
        Assert.Equal(expected, received.Texts);
    }

    [Fact]
    public async Task Payloads_OfAnySizeAndContent_ArriveIntact()
    {
        IMcpBackplane backplane = await NewBackplaneAsync();
        var received = new Received();
        const string Channel = "sizes";
        await using IAsyncDisposable subscription = await backplane.SubscribeAsync(Channel, received.Handle, None);
        int inlineLimit = InlinePayloadLimit(Channel);
        byte[] random = new byte[300_000];
        new Random(7).NextBytes(random);
        byte[][] payloads =
        [
            [],
            Utf8(new string('a', inlineLimit)),             // the largest inline payload
            Utf8(new string('b', inlineLimit + 1)),         // the smallest by reference
            Utf8("ünïcødé ✓ " + new string('é', 4000)),     // multi-byte UTF-8, 8000+ bytes
            Utf8("pipes | and stars * and \"quotes\""),
            [0x7B, 0x00, 0x7D],                             // a NUL byte
            [0xC3, 0x28, 0xFF],                             // not UTF-8
            random,
        ];
        foreach (byte[] payload in payloads)
        {
            await backplane.PublishAsync(Channel, payload, None);
        }

        await received.WaitForCountAsync(payloads.Length, TimeSpan.FromSeconds(20));
        Assert.Equal(payloads.Length, received.Messages.Count);
        for (int i = 0; i < payloads.Length; i++)
        {
            Assert.True(payloads[i].AsSpan().SequenceEqual(received.Messages[i]), $"payload {i} ({payloads[i].Length} bytes) changed in transit");
        }
    }

    [Fact]
    public async Task DisposedSubscription_GetsNothingMore()
    {
        IMcpBackplane backplane = await NewBackplaneAsync();
        var gone = new Received();
        var staying = new Received();
        IAsyncDisposable leaving = await backplane.SubscribeAsync("leave", gone.Handle, None);
        await using IAsyncDisposable stays = await backplane.SubscribeAsync("leave", staying.Handle, None);
        await backplane.PublishAsync("leave", Utf8("before"), None);
        await gone.WaitForCountAsync(1);

        await leaving.DisposeAsync();
        await backplane.PublishAsync("leave", Utf8("after"), None);
        await backplane.PublishAsync("leave", Utf8("after again"), None);

        await staying.WaitForCountAsync(3);
        Assert.Equal(["before"], gone.Texts);
    }

    [Fact]
    public async Task FailingHandler_DoesNotEndItsSubscription()
    {
        IMcpBackplane backplane = await NewBackplaneAsync();
        var received = new Received();
        await using IAsyncDisposable subscription = await backplane.SubscribeAsync("flaky", async message =>
        {
            await received.Handle(message);
            if (message.Span.SequenceEqual("boom"u8))
            {
                throw new InvalidOperationException("handler failure");
            }
        }, None);

        await backplane.PublishAsync("flaky", Utf8("boom"), None);
        await backplane.PublishAsync("flaky", Utf8("fine"), None);

        await received.WaitForCountAsync(2);
        Assert.Equal(["boom", "fine"], received.Texts);
    }

    [Fact]
    public async Task HandlersOfOneSubscription_RunOneAtATime()
    {
        IMcpBackplane backplane = await NewBackplaneAsync();
        int running = 0, overlaps = 0;
        var received = new Received();
        await using IAsyncDisposable subscription = await backplane.SubscribeAsync("serial", async message =>
        {
            if (Interlocked.Increment(ref running) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Delay(5);
            Interlocked.Decrement(ref running);
            await received.Handle(message);
        }, None);

        for (int i = 0; i < 20; i++)
        {
            await backplane.PublishAsync("serial", Utf8(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), None);
        }

        await received.WaitForCountAsync(20);
        Assert.Equal(0, overlaps);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received.Texts);
    }

    [Fact]
    public async Task TwoReplicas_EachPublisherReachesBoth_InItsOrder()
    {
        IMcpBackplane a = await NewBackplaneAsync();
        IMcpBackplane b = Replica(a);
        var onA = new Received();
        var onB = new Received();
        await using IAsyncDisposable subA = await a.SubscribeAsync("request:42", onA.Handle, None);
        await using IAsyncDisposable subB = await b.SubscribeAsync("request:42", onB.Handle, None);

        Task fromA = Task.Run(async () =>
        {
            for (int i = 0; i < 30; i++)
            {
                await a.PublishAsync("request:42", Utf8($"a{i}"), None);
            }
        });
        Task fromB = Task.Run(async () =>
        {
            for (int i = 0; i < 30; i++)
            {
                await b.PublishAsync("request:42", Utf8(i == 15 ? $"b{i}:" + new string('L', 10_000) : $"b{i}"), None);
            }
        });
        await Task.WhenAll(fromA, fromB);

        await onA.WaitForCountAsync(60);
        await onB.WaitForCountAsync(60);
        foreach (Received replica in new[] { onA, onB })
        {
            Assert.Equal(Enumerable.Range(0, 30).Select(i => $"a{i}"), replica.Texts.Where(t => t.StartsWith('a')));
            Assert.Equal(Enumerable.Range(0, 30).Select(i => $"b{i}"), replica.Texts.Where(t => t.StartsWith('b')).Select(t => t.Split(':')[0]));
        }
    }
}
