using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Everything;
using Microsoft.AspNetCore.Builder;

namespace McpGen.IntegrationTests;

/// <summary>
/// The standalone GET stream of a session starts with a priming event (2025-11-25): an event id naming the stream's
/// position, so a client whose GET connection breaks before any notification reached it (a replica killed under it,
/// found by <see cref="StoreFleetTests"/>) resumes with Last-Event-ID and gets what was logged meanwhile.
/// </summary>
public sealed class StandaloneStreamPrimingTests
{
    [Fact]
    public async Task Get_stream_primes_with_its_position_and_a_resume_from_the_priming_id_replays_what_followed()
    {
        (WebApplication app, Uri endpoint) = await KestrelHost.StartAsync(s => s.AddEverything("store"), a => a.MapEverything("store"));
        await using WebApplication _ = app;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        string session = await InitializeAsync(http, endpoint, "2025-11-25");
        await PostAsync(http, endpoint, session, "2025-11-25", """{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"test://watched-resource"}}""");

        // A new stream: priming (the position: 0, nothing logged yet) before anything else.
        await using (SseReader first = await SseReader.OpenAsync(http, endpoint, session, null))
        {
            (string? id, string data) priming = await first.NextAsync();
            Assert.EndsWith(":g:0", priming.id, StringComparison.Ordinal);
            Assert.Equal("", priming.data);

            // An update goes out on it as event 1.
            await PostAsync(http, endpoint, session, "2025-11-25", """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"test_trigger_resource_update","arguments":{}}}""");
            (string? id, string data) update = await first.NextAsync();
            Assert.EndsWith(":g:1", update.id, StringComparison.Ordinal);
            Assert.Contains("notifications/resources/updated", update.data, StringComparison.Ordinal);

            // A client that never got event 1 (its connection broke after the priming) resumes from the priming id and
            // gets it: the resumed stream replays it.
            await using SseReader resumed = await SseReader.OpenAsync(http, endpoint, session, priming.id);
            (string? id, string data) replayed = await resumed.NextAsync();
            Assert.Equal(update.id, replayed.id);
            Assert.Equal(update.data, replayed.data);
        }

        // A fresh stream primes at the current position (1): resuming from it replays nothing already logged.
        await using SseReader fresh = await SseReader.OpenAsync(http, endpoint, session, null);
        (string? freshId, string freshData) = await fresh.NextAsync();
        Assert.EndsWith(":g:1", freshId, StringComparison.Ordinal);
        Assert.Equal("", freshData);
    }

    [Fact]
    public async Task Get_stream_of_a_2025_06_18_session_has_no_priming_event()
    {
        // Clients before 2025-11-25 may parse the empty data of a priming event as JSON: they get none.
        (WebApplication app, Uri endpoint) = await KestrelHost.StartAsync(s => s.AddEverything("store"), a => a.MapEverything("store"));
        await using WebApplication _ = app;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        string session = await InitializeAsync(http, endpoint, "2025-06-18");
        await PostAsync(http, endpoint, session, "2025-06-18", """{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"test://watched-resource"}}""");
        await using SseReader stream = await SseReader.OpenAsync(http, endpoint, session, null, "2025-06-18");

        await PostAsync(http, endpoint, session, "2025-06-18", """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"test_trigger_resource_update","arguments":{}}}""");

        (string? id, string data) first = await stream.NextAsync();
        Assert.EndsWith(":g:1", first.id, StringComparison.Ordinal);
        Assert.Contains("notifications/resources/updated", first.data, StringComparison.Ordinal);
    }

    private static async Task<string> InitializeAsync(HttpClient http, Uri endpoint, string version)
    {
        using HttpRequestMessage request = Post(endpoint,
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"VERSION","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""".Replace("VERSION", version, StringComparison.Ordinal));
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Mcp-Session-Id").Single();
    }

    private static async Task PostAsync(HttpClient http, Uri endpoint, string session, string version, string json)
    {
        using HttpRequestMessage request = Post(endpoint, json);
        request.Headers.Add("Mcp-Session-Id", session);
        request.Headers.Add("MCP-Protocol-Version", version);
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Post(Uri endpoint, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    /// <summary>A session's GET stream read event by event, each read bounded in time.</summary>
    private sealed class SseReader : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly StreamReader _reader;

        private SseReader(HttpResponseMessage response, StreamReader reader)
        {
            _response = response;
            _reader = reader;
        }

        public static async Task<SseReader> OpenAsync(HttpClient http, Uri endpoint, string session, string? lastEventId, string version = "2025-11-25")
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            request.Headers.Add("Mcp-Session-Id", session);
            request.Headers.Add("MCP-Protocol-Version", version);
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            return new SseReader(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        }

        /// <summary>The next event with an id or data (keep-alive comments and bare retry fields skipped).</summary>
        public async Task<(string? Id, string Data)> NextAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            string? id = null;
            var data = new List<string>();
            while (true)
            {
                string line = await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("the GET stream ended");
                if (line.Length == 0)
                {
                    if (id is not null || data.Count > 0)
                    {
                        return (id, string.Join('\n', data));
                    }
                }
                else if (line.StartsWith("id:", StringComparison.Ordinal))
                {
                    id = line[3..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Add(line[5..].TrimStart());
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            _reader.Dispose();
            _response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
