using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace McpGen.IntegrationTests;

/// <summary>The exact bytes on a real Kestrel: SSE framing and order for a progress-reporting tool, JSON otherwise.</summary>
public sealed class RawStreamTests(QuickStartHost host) : IClassFixture<QuickStartHost>
{
    [Theory]
    [InlineData("2025-11-25", "\"tok-1\"")]
    [InlineData("2025-03-26", "17")]
    public async Task Progress_tool_streams_every_notification_in_order_then_the_result(string version, string token)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using HttpRequestMessage request = Post(
            """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"process_batch","arguments":{"items":5},"_meta":{"progressToken":"""
            + token + "}}}");
        request.Headers.Add("MCP-Protocol-Version", version);

        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.False(response.Headers.Contains("Mcp-Session-Id"));
        List<JsonElement> events = ParseSse(await response.Content.ReadAsStringAsync());
        Assert.Equal(6, events.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal("notifications/progress", events[i].GetProperty("method").GetString());
            JsonElement p = events[i].GetProperty("params");
            Assert.Equal(token, p.GetProperty("progressToken").GetRawText());
            Assert.Equal(i + 1, p.GetProperty("progress").GetDouble());
            Assert.Equal(5, p.GetProperty("total").GetDouble());
        }

        Assert.Equal(9, events[5].GetProperty("id").GetInt32());
        Assert.Equal("Processed 5 items.", events[5].GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Progress_tool_without_a_token_answers_plain_json()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using HttpRequestMessage request = Post("""{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"process_batch","arguments":{"items":2}}}""");

        using HttpResponseMessage response = await http.SendAsync(request);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("a", body.GetProperty("id").GetString());
        Assert.Equal("Processed 2 items.", body.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    private HttpRequestMessage Post(string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, host.Endpoint) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    private static List<JsonElement> ParseSse(string text)
    {
        var events = new List<JsonElement>();
        foreach (string block in text.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string data = string.Join("\n", block.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].TrimStart()));
            if (data.Length > 0)
            {
                events.Add(JsonDocument.Parse(data).RootElement.Clone());
            }
        }

        return events;
    }
}
