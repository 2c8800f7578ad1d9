using System.Text;
using System.Text.Json.Nodes;

namespace McpGen.Fuzz;

/// <summary>When a mutator runs: tree mutations first, then byte-level ones, then headers, then framing.</summary>
public enum MutationStage
{
    Tree,
    Bytes,
    Headers,
    Framing,
}

/// <summary>One named mutation. <see cref="Apply"/> is deterministic for a given random source (minimization replays it).</summary>
public sealed record Mutator(string Name, MutationStage Stage, int Weight, Func<FuzzCase, Random, string?> Apply);

/// <summary>A mutator and the seed it ran with: replaying the list rebuilds the case.</summary>
public readonly record struct AppliedMutation(Mutator Mutator, int Seed);

/// <summary>
/// The mutations: JSON structure and types, ids, nesting, huge values, invalid UTF-8, escaped lone surrogates, NUL,
/// batches; every MCP header dropped, duplicated, wrong, with CR/LF and 8-bit bytes; HTTP methods, targets, versions,
/// Content-Length and chunked framing, truncated, stalled and abandoned bodies. Each returns what it did (for the
/// report), or <see langword="null"/> when it did not apply to the case.
/// </summary>
public static class Mutators
{
    private static readonly string[] s_mcpHeaders = ["Mcp-Session-Id", "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name", "Accept", "Content-Type", "Host", "Last-Event-ID"];

    public static IReadOnlyList<Mutator> All { get; } =
    [
        // Tree: values and structure.
        new("string -> invalid text", MutationStage.Tree, 30, (c, r) => ReplaceString(c, r, n => Placeholders.Of(Pick(r, Placeholders.Markers)))),
        new("named member -> invalid text", MutationStage.Tree, 30, NamedMemberInvalid),
        new("value -> other type", MutationStage.Tree, 25, ChangeType),
        new("member removed", MutationStage.Tree, 12, RemoveMember),
        new("member added", MutationStage.Tree, 6, AddMember),
        new("id changed", MutationStage.Tree, 15, ChangeId),
        new("method changed", MutationStage.Tree, 10, ChangeMethod),
        new("progressToken changed", MutationStage.Tree, 8, ChangeProgressToken),
        new("_meta changed", MutationStage.Tree, 10, ChangeMeta),
        new("deep nesting", MutationStage.Tree, 10, DeepNesting),
        new("huge value", MutationStage.Tree, 5, HugeValue),
        new("wrapped in batch", MutationStage.Tree, 6, WrapInBatch),
        new("argument values", MutationStage.Tree, 20, ArgumentValues),

        // Bytes: what a tree cannot express.
        new("body truncated", MutationStage.Bytes, 6, (c, r) => Bytes(c, b => b.Length < 2 ? null : b[..r.Next(1, b.Length)], "cut")),
        new("byte inserted", MutationStage.Bytes, 6, (c, r) => Bytes(c, b => Insert(b, r.Next(b.Length + 1), [Pick(r, new byte[] { 0x00, 0x80, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)']', 0x0A })]), "insert")),
        new("trailing content", MutationStage.Bytes, 4, (c, r) => Bytes(c, b => [.. b, .. Pick(r, new[] { "x"u8.ToArray(), "{}"u8.ToArray(), "\u0000"u8.ToArray(), " \n "u8.ToArray(), b })], "trail")),
        new("BOM or comment prefix", MutationStage.Bytes, 3, (c, r) => Bytes(c, b => [.. Pick(r, new[] { new byte[] { 0xEF, 0xBB, 0xBF }, "/*c*/"u8.ToArray(), "  \t\r\n"u8.ToArray() }), .. b], "prefix")),
        new("body replaced", MutationStage.Bytes, 3, (c, r) => Bytes(c, _ => Pick(r, new[] { ""u8.ToArray(), "null"u8.ToArray(), "[]"u8.ToArray(), "{}"u8.ToArray(), "1"u8.ToArray(), "\"x\""u8.ToArray(), "[1,2]"u8.ToArray(), "{\"jsonrpc\":\"2.0\"}"u8.ToArray() }), "replace")),
        new("duplicate member", MutationStage.Bytes, 5, DuplicateMember),

        // Headers.
        new("header dropped", MutationStage.Headers, 12, (c, r) => { string name = Pick(r, s_mcpHeaders); return c.GetHeader(name) is null ? null : Do(() => c.SetHeader(name, null), $"drop {name}"); }),
        new("header duplicated", MutationStage.Headers, 8, DuplicateHeader),
        new("header wrong value", MutationStage.Headers, 14, WrongHeader),
        new("header raw bytes", MutationStage.Headers, 8, RawHeaderBytes),
        new("header huge", MutationStage.Headers, 2, (c, r) => Do(() => c.Headers.Add(new(Pick(r, s_mcpHeaders), Encoding.ASCII.GetBytes(new string('a', r.Next(2) == 0 ? 40_000 : 70_000)))), "huge header")),
        new("foreign session", MutationStage.Headers, 4, (c, r) => c.GetHeader("Mcp-Session-Id") is null ? null : Do(() => c.SetHeader("Mcp-Session-Id", Pick(r, new[] { Guid.NewGuid().ToString("N"), "", " ", "a b", new string('x', 300), "../../etc" })), "other session id")),

        // HTTP framing.
        new("http method", MutationStage.Framing, 5, (c, r) => Do(() => c.HttpMethod = Pick(r, new[] { "GET", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "TRACE", "FUZZ", "post" }), "method")),
        new("target", MutationStage.Framing, 3, (c, r) => Do(() => c.Target = Pick(r, new[] { "/mcp/", "/MCP", "/mcp?x=1&sessionId=y", "/mcp/../mcp", "/mcp%00", "/sse", "/mcp/message", "*" }), "target")),
        new("http version", MutationStage.Framing, 2, (c, r) => Do(() => c.HttpVersion = Pick(r, new[] { "HTTP/1.0", "HTTP/1.2", "HTTP/2.0" }), "version")),
        new("body framing", MutationStage.Framing, 10, (c, r) => Do(() => c.BodyFraming = Pick(r, Enum.GetValues<BodyFraming>()), "framing")),
        new("socket framing", MutationStage.Framing, 4, (c, r) => c.Body.Length < 2 ? null : Do(() => c.Framing = r.Next(100) switch
        {
            < 45 => Framing.HalfCloseMidBody,
            < 80 => Framing.CloseMidBody,
            < 92 => Framing.Trickle,
            _ => Framing.StallMidBody,
        }, "socket")),
    ];

    /// <summary>Picks one to four mutations (by weight) for a case.</summary>
    public static List<AppliedMutation> Choose(Random random)
    {
        int count = random.Next(100) switch { < 55 => 1, < 85 => 2, < 96 => 3, _ => 4 };
        int total = All.Sum(m => m.Weight);
        var chosen = new List<AppliedMutation>(count);
        for (int i = 0; i < count; i++)
        {
            int at = random.Next(total);
            foreach (Mutator mutator in All)
            {
                at -= mutator.Weight;
                if (at < 0)
                {
                    chosen.Add(new AppliedMutation(mutator, random.Next()));
                    break;
                }
            }
        }

        return chosen;
    }

    /// <summary>Applies <paramref name="mutations"/> in stage order; records what each did on the case.</summary>
    public static void Apply(FuzzCase fuzzCase, IEnumerable<AppliedMutation> mutations)
    {
        foreach (AppliedMutation applied in mutations.OrderBy(m => m.Mutator.Stage))
        {
            if (applied.Mutator.Stage != MutationStage.Tree && fuzzCase.Node is not null)
            {
                _ = fuzzCase.Body; // serialize the tree before byte, header and framing mutations
            }

            if (applied.Mutator.Stage == MutationStage.Tree && fuzzCase.Node is null)
            {
                continue;
            }

            string? what;
            try
            {
                what = applied.Mutator.Apply(fuzzCase, new Random(applied.Seed));
            }
            catch (InvalidOperationException)
            {
                what = null; // the tree no longer has the shape this mutator works on (an earlier one changed it)
            }

            if (what is not null)
            {
                fuzzCase.Mutations.Add($"{applied.Mutator.Name}: {what}");
            }
        }

        // The id header is the only one the fuzzer keeps for itself.
        _ = fuzzCase.Body;
    }

    private static string Do(Action action, string what)
    {
        action();
        return what;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string? Bytes(FuzzCase c, Func<byte[], byte[]?> change, string what)
    {
        if (change(c.Body) is not { } changed)
        {
            return null;
        }

        c.RawBody = changed;
        return what;
    }

    private static byte[] Insert(byte[] data, int at, byte[] value) => [.. data.AsSpan(0, at), .. value, .. data.AsSpan(at)];

    /// <summary>Every (parent, key-or-index) pair in the tree, for picking a random location.</summary>
    private static List<(JsonNode Parent, string? Key, int Index, string Path)> Locations(JsonNode root)
    {
        var found = new List<(JsonNode, string?, int, string)>();
        void Walk(JsonNode node, string path)
        {
            if (node is JsonObject obj)
            {
                foreach ((string key, JsonNode? child) in obj.ToList())
                {
                    found.Add((obj, key, -1, path + "." + key));
                    if (child is not null)
                    {
                        Walk(child, path + "." + key);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (int i = 0; i < array.Count; i++)
                {
                    found.Add((array, null, i, $"{path}[{i}]"));
                    if (array[i] is { } child)
                    {
                        Walk(child, $"{path}[{i}]");
                    }
                }
            }
        }

        Walk(root, "$");
        return found;
    }

    private static JsonNode? Get(JsonNode parent, string? key, int index) => key is not null ? parent[key] : parent[index];

    private static void Set(JsonNode parent, string? key, int index, JsonNode? value)
    {
        if (key is not null)
        {
            parent[key] = value;
        }
        else
        {
            parent[index] = value;
        }
    }

    private static string? ReplaceString(FuzzCase c, Random r, Func<string, string> value)
    {
        var strings = Locations(c.Node!).Where(l => Get(l.Parent, l.Key, l.Index) is JsonValue v && v.TryGetValue(out string? _)).ToList();
        if (strings.Count == 0)
        {
            return null;
        }

        var (parent, key, index, path) = strings[r.Next(strings.Count)];
        string original = Get(parent, key, index)!.GetValue<string>();
        string replaced = value(original);
        string mode = r.Next(3) switch { 0 => "whole", 1 => "prefix", _ => "suffix" };
        Set(parent, key, index, mode switch { "whole" => replaced, "prefix" => replaced + original, _ => original + replaced });
        return $"{path} {mode} {replaced.Trim('\u0001')}";
    }

    // The members the endpoint reads itself (the issue's list and the rest of the envelope).
    private static readonly string[] s_namedMembers =
    [
        "method", "id", "jsonrpc", "params.name", "params.uri", "params.protocolVersion", "params.level", "params.cursor",
        "params.ref.name", "params.ref.type", "params.ref.uri", "params.argument.name", "params.argument.value",
        "params.requestId", "params.requestState", "params._meta.io.modelcontextprotocol/protocolVersion",
        "params._meta.io.modelcontextprotocol/logLevel", "params._meta.progressToken", "params.clientInfo.name",
        "params.reason", "result.action",
    ];

    private static string? NamedMemberInvalid(FuzzCase c, Random r)
    {
        string path = Pick(r, s_namedMembers);
        string[] parts = path.StartsWith("params._meta.io.", StringComparison.Ordinal)
            ? ["params", "_meta", path["params._meta.".Length..]]
            : path.Split('.');
        JsonNode? parent = c.Node;
        for (int i = 0; i < parts.Length - 1 && parent is not null; i++)
        {
            parent = parent is JsonObject o && o.TryGetPropertyValue(parts[i], out JsonNode? next) ? next : null;
        }

        if (parent is not JsonObject target || !target.ContainsKey(parts[^1]))
        {
            return null;
        }

        string marker = Pick(r, Placeholders.Markers);
        string original = target[parts[^1]] is JsonValue v && v.TryGetValue(out string? s) ? s : "";
        target[parts[^1]] = r.Next(2) == 0 ? Placeholders.Of(marker) : original + Placeholders.Of(marker);
        return $"{path} = {marker}";
    }

    private static JsonNode? OtherValue(Random r) => r.Next(16) switch
    {
        0 => null,
        1 => JsonValue.Create(1.5),
        2 => JsonValue.Create(-1),
        3 => JsonValue.Create(true),
        4 => new JsonObject(),
        5 => new JsonArray(),
        6 => JsonValue.Create(""),
        7 => JsonValue.Create(long.MaxValue),
        8 => JsonNode.Parse("1e400"),
        9 => JsonNode.Parse("123456789012345678901234567890"),
        10 => JsonNode.Parse("-0"),
        11 => new JsonArray(1, "a", null),
        12 => new JsonObject { ["a"] = 1 },
        13 => JsonValue.Create("\u00e9\U0001F600"),
        14 => JsonValue.Create(0),
        _ => JsonValue.Create("text"),
    };

    private static string? ChangeType(FuzzCase c, Random r)
    {
        var all = Locations(c.Node!);
        if (all.Count == 0)
        {
            return null;
        }

        var (parent, key, index, path) = all[r.Next(all.Count)];
        JsonNode? value = OtherValue(r);
        Set(parent, key, index, value);
        return $"{path} = {value?.ToJsonString() ?? "null"}";
    }

    private static string? RemoveMember(FuzzCase c, Random r)
    {
        var members = Locations(c.Node!).Where(l => l.Key is not null).ToList();
        if (members.Count == 0)
        {
            return null;
        }

        var (parent, key, _, path) = members[r.Next(members.Count)];
        ((JsonObject)parent).Remove(key!);
        return $"remove {path}";
    }

    private static string? AddMember(FuzzCase c, Random r)
    {
        var objects = Locations(c.Node!).Select(l => Get(l.Parent, l.Key, l.Index)).OfType<JsonObject>().Prepend(c.Node as JsonObject).Where(o => o is not null).ToList();
        if (objects.Count == 0)
        {
            return null;
        }

        JsonObject target = objects[r.Next(objects.Count)]!;
        string name = Pick(r, new[] { "result", "error", "method", "id", "params", "_meta", "extra", "__proto__", "arguments", "" });
        if (target.ContainsKey(name))
        {
            return null;
        }

        target[name] = OtherValue(r);
        return $"add {name}";
    }

    private static string? ChangeId(FuzzCase c, Random r)
    {
        if (c.Node is not JsonObject message)
        {
            return null;
        }

        JsonNode? id = r.Next(16) switch
        {
            0 => null,
            1 => JsonValue.Create(1.5),
            2 => new JsonObject(),
            3 => JsonNode.Parse("1e309"),
            4 => JsonValue.Create(Placeholders.Of("BAD_UTF8")),
            5 => JsonValue.Create(Placeholders.Of("LONE_HIGH")),
            6 => JsonValue.Create("a\"b\\c\u2028"),
            7 => JsonValue.Create(new string('i', 10_000)),
            8 => JsonValue.Create(-9007199254740993),
            9 => JsonValue.Create(""),
            10 => JsonNode.Parse("99999999999999999999"),
            11 => JsonValue.Create(true),
            12 => new JsonArray(1),
            13 => JsonValue.Create("x" + Placeholders.Of("BYTE_FF")),
            14 => JsonValue.Create(Placeholders.Of("ESCAPED_NUL")),
            _ => JsonValue.Create("id-" + r.Next()),
        };
        if (r.Next(8) == 0)
        {
            message.Remove("id");
            return "remove id";
        }

        message["id"] = id;
        return $"id = {id?.ToJsonString() ?? "null"}";
    }

    private static string? ChangeMethod(FuzzCase c, Random r)
    {
        if (c.Node is not JsonObject message)
        {
            return null;
        }

        string method = Pick(r, new[]
        {
            "initialize", "ping", "tools/list", "tools/call", "prompts/get", "resources/read", "resources/subscribe",
            "logging/setLevel", "completion/complete", "server/discover", "subscriptions/listen", "notifications/initialized",
            "notifications/cancelled", "notifications/progress", "sampling/createMessage", "elicitation/create", "roots/list",
            "tools/List", "", "rpc.discover", "tools/call/", new string('m', 5000), "notifications/roots/list_changed",
        });
        message["method"] = method;
        return $"method = {(method.Length > 40 ? method[..40] + "…" : method)}";
    }

    private static string? ChangeProgressToken(FuzzCase c, Random r)
    {
        if (c.Node?["params"] is not JsonObject parameters)
        {
            return null;
        }

        if (parameters["_meta"] is not JsonObject meta)
        {
            meta = [];
            parameters["_meta"] = meta;
        }

        JsonNode? token = r.Next(8) switch
        {
            0 => JsonValue.Create(1.5),
            1 => new JsonObject(),
            2 => JsonValue.Create(true),
            3 => null,
            4 => JsonNode.Parse("1e400"),
            5 => new JsonArray(),
            6 => JsonValue.Create(Placeholders.Of("LONE_HIGH")),
            _ => JsonValue.Create(long.MinValue),
        };
        meta["progressToken"] = token;
        return $"progressToken = {token?.ToJsonString() ?? "null"}";
    }

    private static string? ChangeMeta(FuzzCase c, Random r)
    {
        if (c.Node?["params"] is not JsonObject parameters)
        {
            return null;
        }

        JsonObject meta = parameters["_meta"] as JsonObject ?? [];
        parameters["_meta"] = meta;
        string key = Pick(r, new[] { "io.modelcontextprotocol/protocolVersion", "io.modelcontextprotocol/clientCapabilities", "io.modelcontextprotocol/clientInfo", "io.modelcontextprotocol/logLevel" });
        JsonNode? value = r.Next(10) switch
        {
            0 => JsonValue.Create("2025-11-25"),
            1 => JsonValue.Create("2099-01-01"),
            2 => JsonValue.Create("warning"),
            3 => JsonValue.Create("DEBUG"),
            4 => new JsonObject { ["elicitation"] = new JsonObject(), ["sampling"] = 1 },
            5 => JsonValue.Create(Placeholders.Of("LONE_HIGH")),
            6 => JsonValue.Create("2026-07-28" + Placeholders.Of("BAD_UTF8")),
            7 => null,
            _ => OtherValue(r),
        };
        if (r.Next(6) == 0)
        {
            parameters["_meta"] = OtherValue(r);
            return "_meta replaced";
        }

        meta[key] = value;
        return $"_meta[{key}] = {value?.ToJsonString() ?? "null"}";
    }

    private static string? DeepNesting(FuzzCase c, Random r)
    {
        int depth = Pick(r, new[] { 40, 63, 64, 65, 100, 125, 127, 129, 200, 5000 });
        bool arrays = r.Next(2) == 0;
        JsonNode Nest(int d)
        {
            if (d > 900)
            {
                return JsonValue.Create(Placeholders.Of("DEEP_5000")); // deeper than a tree can serialize
            }

            JsonNode leaf = arrays ? new JsonArray() : new JsonObject();
            JsonNode current = leaf;
            for (int i = 1; i < d; i++)
            {
                current = arrays ? new JsonArray(current) : new JsonObject { ["a"] = current };
            }

            return current;
        }

        // Prefer the places where user data goes (arguments), else anywhere.
        JsonNode? arguments = c.Node?["params"]?["arguments"];
        if (arguments is JsonObject args && r.Next(3) != 0)
        {
            string name = args.Select(p => p.Key).DefaultIfEmpty("name").ElementAt(r.Next(Math.Max(1, args.Count)));
            args[name] = Nest(depth);
            return $"arguments.{name} nested {depth} ({(arrays ? "arrays" : "objects")})";
        }

        var all = Locations(c.Node!);
        if (all.Count == 0)
        {
            return null;
        }

        var (parent, key, index, path) = all[r.Next(all.Count)];
        Set(parent, key, index, Nest(depth));
        return $"{path} nested {depth}";
    }

    private static string? HugeValue(FuzzCase c, Random r)
    {
        var all = Locations(c.Node!);
        if (all.Count == 0)
        {
            return null;
        }

        var (parent, key, index, path) = all[r.Next(all.Count)];
        JsonNode value = r.Next(4) switch
        {
            0 => JsonValue.Create(new string('z', r.Next(2) == 0 ? 200_000 : 3_000_000)),
            1 => new JsonArray([.. Enumerable.Range(0, 100_000).Select(i => (JsonNode?)JsonValue.Create(i))]),
            2 => JsonNode.Parse(new string('9', 5000))!,
            _ => new JsonObject(Enumerable.Range(0, 20_000).Select(i => KeyValuePair.Create("k" + i, (JsonNode?)JsonValue.Create(i)))),
        };
        Set(parent, key, index, value);
        return $"{path} huge";
    }

    private static string? WrapInBatch(FuzzCase c, Random r)
    {
        JsonNode message = c.Node!;
        JsonArray batch = r.Next(5) switch
        {
            0 => [],
            1 => [message],
            2 => [message, message.DeepClone()],
            3 => [message, JsonValue.Create(1)],
            _ => [message, JsonNode.Parse("""{"jsonrpc":"2.0","method":"notifications/initialized"}""")],
        };
        c.Node = batch;
        return $"batch of {batch.Count}";
    }

    private static string? ArgumentValues(FuzzCase c, Random r)
    {
        if (c.Node?["params"] is not JsonObject parameters)
        {
            return null;
        }

        JsonObject args = parameters["arguments"] as JsonObject ?? [];
        parameters["arguments"] = args;
        string name = args.Count > 0 && r.Next(4) != 0 ? args.ElementAt(r.Next(args.Count)).Key : Pick(r, new[] { "name", "arg1", "email", "unknown", "address", "contactMethod" });
        JsonNode? value = r.Next(6) switch
        {
            0 => JsonValue.Create(Placeholders.Of(Pick(r, Placeholders.Markers))),
            1 => new JsonObject { ["street"] = Placeholders.Of("LONE_HIGH"), ["city"] = "c" },
            2 => JsonValue.Create("ok" + Placeholders.Of("LONE_LOW")),
            _ => OtherValue(r),
        };
        args[name] = value;
        return $"arguments.{name} = {value?.ToJsonString().Replace("\\u0001", "", StringComparison.Ordinal) ?? "null"}";
    }

    private static string? DuplicateMember(FuzzCase c, Random r)
    {
        byte[] body = c.Body;
        if (body.Length < 2 || body[0] != (byte)'{')
        {
            return null;
        }

        string extra = Pick(r, new[] { "\"id\":\"dup\",", "\"method\":\"ping\",", "\"jsonrpc\":\"1.0\",", "\"params\":{},", "\"id\":null," });
        c.RawBody = Insert(body, 1, Encoding.UTF8.GetBytes(extra));
        return "dup " + extra.TrimEnd(',');
    }

    private static string? DuplicateHeader(FuzzCase c, Random r)
    {
        string name = Pick(r, s_mcpHeaders);
        string? existing = c.GetHeader(name);
        string second = r.Next(2) == 0 && existing is not null ? existing : Pick(r, new[] { "2025-06-18", "x", "tools/list", Guid.NewGuid().ToString("N"), "application/xml" });
        c.Headers.Add(new(name, Encoding.UTF8.GetBytes(second)));
        return $"dup {name}";
    }

    private static string? WrongHeader(FuzzCase c, Random r)
    {
        string name = Pick(r, s_mcpHeaders);
        string value = name switch
        {
            "MCP-Protocol-Version" => Pick(r, new[] { "2025-06-18", "2024-11-05", "2026-07-28", "1999-01-01", "", "2025-11-25,2025-06-18", " 2025-11-25 " }),
            "Mcp-Method" => Pick(r, new[] { "tools/list", "ping", "", "TOOLS/CALL", "tools/call " }),
            "Mcp-Name" => Pick(r, new[] { "other", "", "test_simple_text ", "=?utf-8?b?dGVzdA==?=", "test%5Fsimple%5Ftext" }),
            "Accept" => Pick(r, new[] { "application/json", "text/event-stream", "*/*", "text/html", "application/*, text/*", "" }),
            "Content-Type" => Pick(r, new[] { "text/plain", "application/json; charset=latin1", "application/json-rpc", "", "application/jsonx", "application/json; charset=utf-16" }),
            "Host" => Pick(r, new[] { "evil.example", "127.0.0.1:1", "", "localhost", "[::1]" }),
            "Last-Event-ID" => Pick(r, new[] { "", "garbage", "999999", "-1", "a:b:c" }),
            _ => Pick(r, new[] { "", "x", Guid.NewGuid().ToString(), "0" }),
        };
        if (r.Next(5) == 0)
        {
            c.SetHeader("Origin", Pick(r, new[] { "http://evil.example", "null", "http://127.0.0.1" }));
            return "Origin";
        }

        c.SetHeader(name, value);
        return $"{name}: {value}";
    }

    private static string? RawHeaderBytes(FuzzCase c, Random r)
    {
        string name = Pick(r, s_mcpHeaders);
        byte[] bad = Pick(r, new[]
        {
            "a\r\nX-Injected: 1"u8.ToArray(), "a\nX-Injected: 1"u8.ToArray(), "a\rb"u8.ToArray(), new byte[] { 0xC3, 0xA9 },
            new byte[] { 0xFF, 0xFE }, new byte[] { (byte)'a', 0x00, (byte)'b' }, new byte[] { 0x7F }, "\t"u8.ToArray(),
        });
        byte[] current = c.GetHeader(name) is { } existing ? Encoding.Latin1.GetBytes(existing) : [];
        c.Headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        c.Headers.Add(new(name, [.. current, .. bad]));
        return $"{name} + raw bytes";
    }
}
