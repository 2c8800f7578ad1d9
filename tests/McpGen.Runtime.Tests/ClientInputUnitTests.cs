using System.Security.Claims;
using System.Text;
using System.Text.Json;
using McpGen.Runtime.Tests.Infrastructure;
using McpGen.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Runtime.Tests;

/// <summary>The pieces of client input on their own: requestState sealing, digests, capabilities, the pending-request registry, the SSE channel.</summary>
public sealed class ClientInputUnitTests
{
    private static readonly byte[] Alice = PrincipalKey.Digest(User("alice"));
    private static readonly byte[] Request = RequestStateProtector.RequestDigest("tools/call", "greet", """{"x":1}"""u8);

    private static ClaimsPrincipal User(string sub) => new(new ClaimsIdentity([new Claim("sub", sub)], "test"));

    private static RequestStateProtector Protector(TimeProvider? time = null, IDataProtectionProvider? keys = null)
        => new(keys ?? new EphemeralDataProtectionProvider(), time ?? TimeProvider.System, TimeSpan.FromMinutes(10));

    [Fact]
    public void SealedState_OpensWithItsAnswers_AndIsOpaque()
    {
        RequestStateProtector protector = Protector();
        byte[] answer = """{"action":"accept","content":{"name":"Alice"}}"""u8.ToArray();

        string state = protector.Seal(Alice, Request, [new("user_name", answer), new("ünïcode", "{}"u8.ToArray())]);

        Assert.DoesNotContain("Alice", Encoding.UTF8.GetString(Convert.FromBase64String(PadBase64(state))), StringComparison.Ordinal);
        Assert.Equal(RequestStateStatus.Valid, protector.Open(state, Alice, Request, out Dictionary<string, byte[]>? answers));
        Assert.Equal(answer, answers!["user_name"]);
        Assert.Equal("{}"u8.ToArray(), answers["ünïcode"]);
    }

    [Fact]
    public void TamperedOrForeignState_IsRejected()
    {
        RequestStateProtector protector = Protector();
        string state = protector.Seal(Alice, Request, []);
        char[] flipped = state.ToCharArray();
        flipped[state.Length / 2] = flipped[state.Length / 2] == 'A' ? 'B' : 'A';

        Assert.Equal(RequestStateStatus.Tampered, protector.Open(new string(flipped), Alice, Request, out _));
        Assert.Equal(RequestStateStatus.Tampered, protector.Open(state + "-TAMPERED", Alice, Request, out _));
        Assert.Equal(RequestStateStatus.Tampered, protector.Open("!!not base64!!", Alice, Request, out _));
        Assert.Equal(RequestStateStatus.Tampered, Protector().Open(state, Alice, Request, out Dictionary<string, byte[]>? answers));
        Assert.Null(answers);
    }

    [Fact]
    public void ReplicasSharingTheKeyRing_OpenEachOthersState()
    {
        IDataProtectionProvider keys = new EphemeralDataProtectionProvider();
        string state = Protector(keys: keys).Seal(Alice, Request, [new("k", "{}"u8.ToArray())]);

        Assert.Equal(RequestStateStatus.Valid, Protector(keys: keys).Open(state, Alice, Request, out _));
    }

    [Fact]
    public void ExpiredState_IsRejected()
    {
        var clock = new ManualTimeProvider();
        RequestStateProtector protector = Protector(clock);
        string state = protector.Seal(Alice, Request, []);

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(RequestStateStatus.Valid, protector.Open(state, Alice, Request, out _));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(RequestStateStatus.Expired, protector.Open(state, Alice, Request, out _));
    }

    [Fact]
    public void StateOfAnotherPrincipalOrRequest_IsRejected()
    {
        RequestStateProtector protector = Protector();
        string state = protector.Seal(Alice, Request, []);

        Assert.Equal(RequestStateStatus.OtherPrincipal, protector.Open(state, PrincipalKey.Digest(User("bob")), Request, out _));
        Assert.Equal(RequestStateStatus.OtherPrincipal, protector.Open(state, PrincipalKey.Anonymous, Request, out _));
        Assert.Equal(RequestStateStatus.OtherRequest, protector.Open(state, Alice, RequestStateProtector.RequestDigest("tools/call", "greet", """{"x":2}"""u8), out _));
        Assert.Equal(RequestStateStatus.OtherRequest, protector.Open(state, Alice, RequestStateProtector.RequestDigest("tools/call", "other", """{"x":1}"""u8), out _));
        Assert.Equal(RequestStateStatus.OtherRequest, protector.Open(state, Alice, RequestStateProtector.RequestDigest("prompts/get", "greet", """{"x":1}"""u8), out _));
    }

    [Fact]
    public void PrincipalDigest_IsStablePerSubject_AndZeroWhenAnonymous()
    {
        Assert.Equal(PrincipalKey.Digest(User("alice")), PrincipalKey.Digest(User("alice")));
        Assert.NotEqual(PrincipalKey.Digest(User("alice")), PrincipalKey.Digest(User("bob")));
        Assert.Equal(PrincipalKey.Anonymous, PrincipalKey.Digest(new ClaimsPrincipal(new ClaimsIdentity())));
        Assert.Equal(PrincipalKey.Anonymous, PrincipalKey.Digest(null));
        var byName = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "carol")], "cookie"));
        Assert.NotEqual(PrincipalKey.Anonymous, PrincipalKey.Digest(byName));
        Assert.NotEqual(PrincipalKey.Digest(byName), PrincipalKey.Digest(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "carol")], "other-scheme"))));
    }

    [Fact]
    public void RequestDigest_IgnoresWhitespaceAndEscapes_ButNotValues()
    {
        byte[] compact = RequestStateProtector.RequestDigest("tools/call", "t", """{"city":"Zürich","n":[1,2]}"""u8);

        Assert.Equal(compact, RequestStateProtector.RequestDigest("tools/call", "t", "{ \"city\" : \"Z\\u00fcrich\",\n \"n\": [ 1, 2 ] }"u8));
        Assert.NotEqual(compact, RequestStateProtector.RequestDigest("tools/call", "t", """{"city":"Zurich","n":[1,2]}"""u8));
        Assert.NotEqual(compact, RequestStateProtector.RequestDigest("tools/call", "t", """{"city":"Zürich","n":[1,2,3]}"""u8));
        Assert.NotEqual(RequestStateProtector.RequestDigest("tools/call", "t", default), RequestStateProtector.RequestDigest("tools/call", "t", "{}"u8));
    }

    [Theory]
    [InlineData("", false, false, false, false)]
    [InlineData("{}", false, false, false, false)]
    [InlineData("""{"elicitation":{}}""", true, false, false, false)]
    [InlineData("""{"elicitation":{"form":{}}}""", true, false, false, false)]
    [InlineData("""{"elicitation":{"url":{}}}""", false, true, false, false)]
    [InlineData("""{"elicitation":{"form":{},"url":{}},"sampling":{"tools":{}},"roots":{"listChanged":true}}""", true, true, true, true)]
    [InlineData("""{"sampling":true,"roots":[]}""", false, false, false, false)]
    [InlineData("""{"experimental":{"elicitation":{}},"sampling":{}}""", false, false, true, false)]
    [InlineData("not json", false, false, false, false)]
    public void DeclaredCapabilities_AreReadAsTheSpecDefinesThem(string json, bool form, bool url, bool sampling, bool roots)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);

        Assert.Equal(form, ClientCapabilities.Declares(utf8, McpClientCapability.FormElicitation));
        Assert.Equal(url, ClientCapabilities.Declares(utf8, McpClientCapability.UrlElicitation));
        Assert.Equal(sampling, ClientCapabilities.Declares(utf8, McpClientCapability.Sampling));
        Assert.Equal(roots, ClientCapabilities.Declares(utf8, McpClientCapability.Roots));
    }

    [Fact]
    public async Task Registry_CompletesByRawId_OnceOnly_AndOnlyForTheSessionAsked()
    {
        var registry = new PendingClientRequests();
        using PendingClientRequest first = registry.Register("session-a");
        using PendingClientRequest second = registry.Register("session-a");
        using PendingClientRequest other = registry.Register("session-b");
        Assert.StartsWith("mcpgen-", first.Id, StringComparison.Ordinal);
        Assert.Equal(42, first.Id.Length); // mcpgen- + 12-character session tag + . + 22 random characters
        Assert.NotEqual(first.Id, second.Id);
        byte[] firstId = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(first.Id));
        byte[] response = Encoding.UTF8.GetBytes($$$"""{"jsonrpc":"2.0","id":"{{{first.Id}}}","result":{}}""");
        Assert.True(PendingClientRequests.MayBelongTo(firstId, "session-a"));
        Assert.False(PendingClientRequests.MayBelongTo(firstId, "session-b"));

        // Another session's answer changes nothing: the request still waits for its own session's answer.
        Assert.False(registry.TryComplete(firstId, "session-b", response));
        Assert.False(first.Response.IsCompleted);
        Assert.True(registry.TryComplete(firstId, "session-a", response));
        Assert.False(registry.TryComplete(firstId, "session-a", response));
        Assert.False(registry.TryComplete("1"u8, "session-a", response));
        Assert.False(registry.TryComplete("\"mcpgen-unknown-id-000000000\""u8, "session-a", response));
        Assert.Equal(response, await first.Response.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(2, registry.Count);
        second.Dispose();
        other.Dispose();
        Assert.Equal(0, registry.Count);
        Assert.False(registry.TryComplete(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(second.Id)), "session-a", response));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.Response);
    }

    [Fact]
    public async Task Channel_SendsTheRequestOnTheStream_AndReturnsTheClientsResult()
    {
        (SseRequestStream stream, MemoryStream body, DefaultHttpContext _) = NewStream();
        var registry = new PendingClientRequests();
        var channel = new SseClientRequestChannel(stream, registry, "session-a", TimeSpan.FromSeconds(10), NullLogger.Instance);

        Task<byte[]> answer = channel.RequestAsync("roots/list", "{}"u8.ToArray(), CancellationToken.None);
        JsonElement request = await WaitForEventAsync(body, 0);
        string id = request.GetProperty("id").GetString()!;
        Assert.Equal("roots/list", request.GetProperty("method").GetString());
        Assert.Equal("{}", request.GetProperty("params").GetRawText());
        Assert.True(registry.TryComplete(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(id)), "session-a",
            Encoding.UTF8.GetBytes($$$"""{"jsonrpc":"2.0","id":"{{{id}}}","result":{"roots":[]}}""")));

        Assert.Equal("""{"roots":[]}""", Encoding.UTF8.GetString(await answer.WaitAsync(TimeSpan.FromSeconds(5))));
        Assert.Equal(0, registry.Count);
        await stream.CompleteAsync(null);
    }

    [Fact]
    public async Task Channel_ClientError_BecomesAToolErrorNamingIt()
    {
        (SseRequestStream stream, MemoryStream body, DefaultHttpContext _) = NewStream();
        var registry = new PendingClientRequests();
        var channel = new SseClientRequestChannel(stream, registry, "session-a", TimeSpan.FromSeconds(10), NullLogger.Instance);

        Task<byte[]> answer = channel.RequestAsync("sampling/createMessage", "{}"u8.ToArray(), CancellationToken.None);
        string id = (await WaitForEventAsync(body, 0)).GetProperty("id").GetString()!;
        registry.TryComplete(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(id)), "session-a",
            Encoding.UTF8.GetBytes($$$"""{"jsonrpc":"2.0","id":"{{{id}}}","error":{"code":-1,"message":"User rejected sampling request"}}"""));

        McpToolException error = await Assert.ThrowsAsync<McpToolException>(() => answer);
        Assert.Equal("The client answered sampling/createMessage with an error (-1: User rejected sampling request).", error.Message);
        await stream.CompleteAsync(null);
    }

    [Fact]
    public async Task Channel_Timeout_CancelsTheRequestAtTheClient_AndFailsTheAsk()
    {
        (SseRequestStream stream, MemoryStream body, DefaultHttpContext _) = NewStream();
        var registry = new PendingClientRequests();
        var channel = new SseClientRequestChannel(stream, registry, "session-a", TimeSpan.FromMilliseconds(200), NullLogger.Instance);

        McpToolException error = await Assert.ThrowsAsync<McpToolException>(
            () => channel.RequestAsync("elicitation/create", "{}"u8.ToArray(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("did not answer elicitation/create within 0.2 s", error.Message, StringComparison.Ordinal);
        string id = (await WaitForEventAsync(body, 0)).GetProperty("id").GetString()!;
        JsonElement cancelled = await WaitForEventAsync(body, 1);
        Assert.Equal("notifications/cancelled", cancelled.GetProperty("method").GetString());
        Assert.Equal(id, cancelled.GetProperty("params").GetProperty("requestId").GetString());
        Assert.Equal(0, registry.Count);
        await stream.CompleteAsync(null);
    }

    [Fact]
    public async Task Channel_Cancellation_CancelsTheRequestAtTheClient()
    {
        (SseRequestStream stream, MemoryStream body, DefaultHttpContext _) = NewStream();
        var registry = new PendingClientRequests();
        var channel = new SseClientRequestChannel(stream, registry, "session-a", TimeSpan.FromMinutes(10), NullLogger.Instance);
        using var cts = new CancellationTokenSource();

        Task<byte[]> answer = channel.RequestAsync("elicitation/create", "{}"u8.ToArray(), cts.Token);
        string id = (await WaitForEventAsync(body, 0)).GetProperty("id").GetString()!;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer.WaitAsync(TimeSpan.FromSeconds(10)));
        JsonElement cancelled = await WaitForEventAsync(body, 1);
        Assert.Equal(id, cancelled.GetProperty("params").GetProperty("requestId").GetString());
        Assert.Equal(0, registry.Count);
        await stream.CompleteAsync(null);
    }

    [Fact]
    public async Task Channel_AfterTheStreamEnded_FailsAtOnce()
    {
        (SseRequestStream stream, _, DefaultHttpContext _) = NewStream();
        await stream.CompleteAsync(null);
        var channel = new SseClientRequestChannel(stream, new PendingClientRequests(), "session-a", TimeSpan.FromMinutes(10), NullLogger.Instance);

        McpToolException error = await Assert.ThrowsAsync<McpToolException>(() => channel.RequestAsync("roots/list", "{}"u8.ToArray(), CancellationToken.None));
        Assert.Contains("response stream of this call has ended", error.Message, StringComparison.Ordinal);
    }

    private static (SseRequestStream Stream, MemoryStream Body, DefaultHttpContext Context) NewStream()
    {
        var body = new LockedMemoryStream();
        var context = new DefaultHttpContext();
        context.Response.Body = body;
        return (new SseRequestStream(context.Response, context.RequestAborted, default, null, NullLogger.Instance), body, context);
    }

    /// <summary>Waits (bounded) until the stream body holds event <paramref name="index"/>, and parses its data.</summary>
    private static async Task<JsonElement> WaitForEventAsync(MemoryStream body, int index)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            string text;
            lock (body)
            {
                text = Encoding.UTF8.GetString(body.ToArray());
            }

            List<(string Event, string Data)> events = McpTestHost.ParseSse(text);
            if (events.Count > index && text.EndsWith("\n\n", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(events[index].Data).RootElement.Clone();
            }

            Assert.True(DateTime.UtcNow < deadline, $"No event {index} within 10 s; body so far: {text}");
            await Task.Delay(10);
        }
    }

    private static string PadBase64(string base64Url)
    {
        string s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }

    /// <summary>A memory stream the pump writes to while the test reads it.</summary>
    private sealed class LockedMemoryStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (this)
            {
                base.Write(buffer, offset, count);
            }
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (this)
            {
                base.Write(buffer);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }
}
