using System.Text.Json.Nodes;

namespace McpGen.Fuzz;

/// <summary>One valid request of the corpus: what it is, which era it belongs to, and its body.</summary>
public sealed record CorpusEntry(string Name, bool Modern, string Json, string? McpName = null, string? HttpMethod = null, string? Probe = null)
{
    /// <summary>Relative weight when picking a base request.</summary>
    public int Weight { get; init; } = 10;
}

/// <summary>
/// The valid requests every mutation starts from, built in code: every method the Everything sample serves, in the
/// 2026-07-28 era (per-request <c>_meta</c>, mirrored headers) and the initialize era (sessions, MCP-Protocol-Version),
/// client notifications and responses, batches, and the GET/DELETE session requests.
/// </summary>
public static class Corpus
{
    public const string Modern = "2026-07-28";

    public static readonly string[] LegacyVersions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

    private const string Meta = """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"fuzz","version":"1.0"}}""";
    private const string MetaProgress = """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"progressToken":"p1"}""";
    private const string MetaLog = """{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/logLevel":"debug"}""";

    public static IReadOnlyList<CorpusEntry> Entries { get; } = Build();

    private static List<CorpusEntry> Build()
    {
        List<CorpusEntry> list =
        [
            // 2026-07-28: stateless, _meta on every request.
            new("modern server/discover", true, $$$"""{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{{{Meta}}}}}"""),
            new("modern tools/list", true, $$$"""{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{{{Meta}}}}}"""),
            new("modern tools/list cursor", true, $$$"""{"jsonrpc":"2.0","id":"c","method":"tools/list","params":{"cursor":"abc","_meta":{{{Meta}}}}}""") { Weight = 3 },
            new("modern resources/list", true, $$$"""{"jsonrpc":"2.0","id":3,"method":"resources/list","params":{"_meta":{{{Meta}}}}}"""),
            new("modern resources/templates/list", true, $$$"""{"jsonrpc":"2.0","id":4,"method":"resources/templates/list","params":{"_meta":{{{Meta}}}}}"""),
            new("modern prompts/list", true, $$$"""{"jsonrpc":"2.0","id":5,"method":"prompts/list","params":{"_meta":{{{Meta}}}}}"""),
            new("modern tools/call simple", true, $$$"""{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"test_simple_text","arguments":{},"_meta":{{{Meta}}}}}""", "test_simple_text") { Weight = 20 },
            new("modern tools/call schema", true, $$$"""{"jsonrpc":"2.0","id":"s-7","method":"tools/call","params":{"name":"json_schema_2020_12_tool","arguments":{"name":"Ada","address":{"street":"1 Main","city":"X"},"contactMethod":"email","email":"a@b.c"},"_meta":{{{Meta}}}}}""", "json_schema_2020_12_tool") { Weight = 25 },
            new("modern tools/call progress", true, $$$"""{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"test_tool_with_progress","arguments":{},"_meta":{{{MetaProgress}}}}}""", "test_tool_with_progress") { Weight = 8 },
            new("modern tools/call logging", true, $$$"""{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"test_tool_with_logging","arguments":{},"_meta":{{{MetaLog}}}}}""", "test_tool_with_logging") { Weight = 5 },
            new("modern tools/call input_required", true, $$$"""{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"test_input_required_result_elicitation","arguments":{},"_meta":{{{Meta}}}}}""", "test_input_required_result_elicitation") { Weight = 5 },
            new("modern tools/call input retry", true, $$$$"""{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"test_input_required_result_elicitation","arguments":{},"inputResponses":{"e1":{"action":"accept","content":{"name":"x"}}},"requestState":"AAAA","_meta":{{{{Meta}}}}}}""", "test_input_required_result_elicitation") { Weight = 5 },
            new("modern prompts/get", true, $$$"""{"jsonrpc":"2.0","id":12,"method":"prompts/get","params":{"name":"test_prompt_with_arguments","arguments":{"arg1":"a","arg2":"b"},"_meta":{{{Meta}}}}}""", "test_prompt_with_arguments") { Weight = 20 },
            new("modern resources/read", true, $$$"""{"jsonrpc":"2.0","id":13,"method":"resources/read","params":{"uri":"test://static-text","_meta":{{{Meta}}}}}""", "test://static-text") { Weight = 12 },
            new("modern resources/read template", true, $$$"""{"jsonrpc":"2.0","id":14,"method":"resources/read","params":{"uri":"test://template/42/data","_meta":{{{Meta}}}}}""", "test://template/42/data") { Weight = 8 },
            new("modern completion/complete", true, $$$"""{"jsonrpc":"2.0","id":15,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"test_prompt_with_arguments"},"argument":{"name":"arg1","value":"pa"},"context":{"arguments":{"arg2":"x"}},"_meta":{{{Meta}}}}}""") { Weight = 12 },
            new("modern subscriptions/listen", true, $$$"""{"jsonrpc":"2.0","id":16,"method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true,"resourceSubscriptions":["test://watched-resource"]},"_meta":{{{Meta}}}}}""") { Weight = 2 },
            new("modern notification", true, $$$"""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":6,"_meta":{{{Meta}}}}}""") { Weight = 3 },

            // initialize era (2024-11-05 .. 2025-11-25): the session (if any) and MCP-Protocol-Version come from the fuzz session.
            new("legacy initialize", false, """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{},"sampling":{}},"clientInfo":{"name":"fuzz","version":"1.0"}}}""") { Weight = 8 },
            new("legacy ping", false, """{"jsonrpc":"2.0","id":20,"method":"ping"}"""),
            new("legacy tools/list", false, """{"jsonrpc":"2.0","id":21,"method":"tools/list","params":{}}"""),
            new("legacy tools/call simple", false, """{"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"name":"test_simple_text","arguments":{}}}""") { Weight = 15 },
            new("legacy tools/call schema", false, """{"jsonrpc":"2.0","id":23,"method":"tools/call","params":{"name":"json_schema_2020_12_tool","arguments":{"name":"Ada","address":{"street":"1 Main","city":"X"},"contactMethod":"phone","phone":"1"}}}""") { Weight = 25 },
            new("legacy tools/call progress", false, """{"jsonrpc":"2.0","id":24,"method":"tools/call","params":{"name":"test_tool_with_progress","arguments":{},"_meta":{"progressToken":7}}}""") { Weight = 8 },
            new("legacy tools/call logging", false, """{"jsonrpc":"2.0","id":25,"method":"tools/call","params":{"name":"test_logging_tool","arguments":{}}}""") { Weight = 5 },
            new("legacy prompts/get", false, """{"jsonrpc":"2.0","id":26,"method":"prompts/get","params":{"name":"test_prompt_with_arguments","arguments":{"arg1":"a","arg2":"b"}}}""") { Weight = 20 },
            new("legacy resources/read", false, """{"jsonrpc":"2.0","id":27,"method":"resources/read","params":{"uri":"test://template/7/data"}}""") { Weight = 12 },
            new("legacy resources/subscribe", false, """{"jsonrpc":"2.0","id":28,"method":"resources/subscribe","params":{"uri":"test://watched-resource"}}""") { Weight = 5 },
            new("legacy resources/unsubscribe", false, """{"jsonrpc":"2.0","id":29,"method":"resources/unsubscribe","params":{"uri":"test://watched-resource"}}""") { Weight = 4 },
            new("legacy logging/setLevel", false, """{"jsonrpc":"2.0","id":30,"method":"logging/setLevel","params":{"level":"warning"}}""") { Weight = 8 },
            new("legacy completion/complete", false, """{"jsonrpc":"2.0","id":31,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"test_prompt_with_arguments"},"argument":{"name":"arg1","value":"p"}}}""") { Weight = 12 },
            new("legacy notifications/initialized", false, """{"jsonrpc":"2.0","method":"notifications/initialized"}""") { Weight = 5 },
            new("legacy notifications/cancelled", false, """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":22,"reason":"fuzz"}}""") { Weight = 5 },
            new("legacy client result", false, """{"jsonrpc":"2.0","id":"server-1","result":{"action":"decline"}}""") { Weight = 5 },
            new("legacy client error", false, """{"jsonrpc":"2.0","id":99,"error":{"code":-32601,"message":"no"}}""") { Weight = 4 },
            new("legacy batch", false, """[{"jsonrpc":"2.0","id":40,"method":"ping"},{"jsonrpc":"2.0","id":41,"method":"tools/list"}]""") { Weight = 6 },
            new("legacy batch notification", false, """[{"jsonrpc":"2.0","method":"notifications/initialized"}]""") { Weight = 2 },

            // Session requests (GET stream, resumption, DELETE): 405 on the stateless endpoint, served by sticky/store.
            new("session GET stream", false, "", HttpMethod: "GET") { Weight = 4 },
            new("session GET unknown Last-Event-ID", false, "", HttpMethod: "GET", Probe: "unknown-last-event-id") { Weight = 4 },
            new("session DELETE", false, "", HttpMethod: "DELETE") { Weight = 1 },
        ];
        return list;
    }

    public static CorpusEntry Pick(Random random)
    {
        int total = Entries.Sum(e => e.Weight);
        int at = random.Next(total);
        foreach (CorpusEntry entry in Entries)
        {
            at -= entry.Weight;
            if (at < 0)
            {
                return entry;
            }
        }

        return Entries[^1];
    }

    /// <summary>The unmutated case for <paramref name="entry"/> in <paramref name="session"/>, with every header a good client sends.</summary>
    public static FuzzCase Create(CorpusEntry entry, FuzzSession session, int port, long index, Random random)
    {
        var fuzzCase = new FuzzCase
        {
            Base = entry.Name,
            Revision = entry.Modern ? Modern : session.Version,
            Session = entry.Modern ? null : session,
            HttpMethod = entry.HttpMethod ?? "POST",
            Probe = entry.Probe,
            Index = index,
            Node = entry.Json.Length == 0 ? null : JsonNode.Parse(entry.Json),
        };
        fuzzCase.SetHeader("Host", $"127.0.0.1:{port}");
        if (fuzzCase.HttpMethod == "GET")
        {
            fuzzCase.SetHeader("Accept", "text/event-stream");
        }
        else
        {
            fuzzCase.SetHeader("Accept", "application/json, text/event-stream");
        }

        if (fuzzCase.HttpMethod == "POST")
        {
            fuzzCase.SetHeader("Content-Type", "application/json");
        }

        if (entry.Modern)
        {
            fuzzCase.SetHeader("MCP-Protocol-Version", Modern);
            string method = fuzzCase.Node?["method"]?.GetValue<string>() ?? "";
            fuzzCase.SetHeader("Mcp-Method", method);
            if (entry.McpName is { } name)
            {
                fuzzCase.SetHeader("Mcp-Name", name);
            }
        }
        else
        {
            bool initialize = entry.Name == "legacy initialize";
            if (initialize)
            {
                fuzzCase.Node!["params"]!["protocolVersion"] = session.Version;
            }

            if (session.Id is not null && !initialize)
            {
                fuzzCase.SetHeader("Mcp-Session-Id", session.Id);
            }

            // 2025-03-26 clients may leave the header out (the server assumes 2025-03-26); others send it.
            if (!initialize && (session.Version != "2025-03-26" || random.Next(2) == 0) && session.Version != "2024-11-05")
            {
                fuzzCase.SetHeader("MCP-Protocol-Version", session.Version);
            }

            if (entry.Probe == "unknown-last-event-id")
            {
                fuzzCase.SetHeader("Last-Event-ID", random.Next(3) switch
                {
                    0 => "no-such-stream",
                    1 => Guid.NewGuid().ToString("N") + ":5",
                    _ => "0",
                });
            }
        }

        fuzzCase.SetHeader("X-Fuzz-Id", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return fuzzCase;
    }
}
