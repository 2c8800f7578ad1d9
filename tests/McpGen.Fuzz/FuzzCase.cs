using System.Text;
using System.Text.Json.Nodes;

namespace McpGen.Fuzz;

/// <summary>How the body is framed on the wire (Content-Length or chunked, and their broken forms).</summary>
public enum BodyFraming
{
    ContentLength,
    NoLength,
    LengthTooLarge,
    LengthTooSmall,
    LengthDuplicatedDifferent,
    LengthGarbage,
    Chunked,
    ChunkedWithExtension,
    ChunkedBadSize,
    ChunkedNoTerminator,
    ChunkedSizeTooLarge,
    ChunkedAndLength,
}

/// <summary>A session the fuzzer set up (sticky/store), or a stateless stand-in with no id, at one negotiated revision.</summary>
public sealed record FuzzSession(string? Id, string Version);

/// <summary>
/// One request under construction, then on the wire: a valid request of the corpus (<see cref="Base"/>) plus the
/// mutations applied to it, each named so that a finding shows how its example was made.
/// </summary>
public sealed class FuzzCase
{
    public required string Base { get; init; }

    /// <summary>The revision whose schema judges the answer (the one the unmutated request is served at).</summary>
    public required string Revision { get; set; }

    public FuzzSession? Session { get; set; }

    public string HttpMethod { get; set; } = "POST";

    public string Target { get; set; } = "/mcp";

    public string HttpVersion { get; set; } = "HTTP/1.1";

    public List<KeyValuePair<string, byte[]>> Headers { get; } = [];

    /// <summary>The body as a tree, until the first byte-level mutation serializes it.</summary>
    public JsonNode? Node { get; set; }

    public byte[]? RawBody { get; set; }

    public BodyFraming BodyFraming { get; set; } = BodyFraming.ContentLength;

    public Framing Framing { get; set; } = Framing.Normal;

    /// <summary>A tag for oracle rules about one kind of probe (for example an unknown Last-Event-ID).</summary>
    public string? Probe { get; set; }

    public List<string> Mutations { get; } = [];

    public long Index { get; set; }

    public byte[] Body
    {
        get
        {
            if (RawBody is null)
            {
                RawBody = Node is null ? [] : Placeholders.Render(Node.ToJsonString());
                Node = null;
            }

            return RawBody;
        }
    }

    /// <summary>How many times <paramref name="name"/> is sent (a server sees several as one comma-joined value).</summary>
    public int HeaderCount(string name) => Headers.Count(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    public string? GetHeader(string name)
    {
        foreach (KeyValuePair<string, byte[]> header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return Encoding.Latin1.GetString(header.Value);
            }
        }

        return null;
    }

    public void SetHeader(string name, string? value)
    {
        Headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        if (value is not null)
        {
            Headers.Add(new(name, Encoding.UTF8.GetBytes(value)));
        }
    }

    /// <summary>The request line and headers, with the framing headers <see cref="BodyFraming"/> asks for.</summary>
    public (byte[] Head, byte[] Body) Render(int port)
    {
        byte[] body = Body;
        byte[] wire = body;
        var head = new MemoryStream();
        void Line(string text) => head.Write(Encoding.Latin1.GetBytes(text + "\r\n"));
        Line($"{HttpMethod} {Target} {HttpVersion}");
        foreach (KeyValuePair<string, byte[]> header in Headers)
        {
            head.Write(Encoding.Latin1.GetBytes(header.Key + ": "));
            head.Write(header.Value);
            head.Write("\r\n"u8);
        }

        bool hasBody = body.Length > 0 || HttpMethod == "POST";
        switch (BodyFraming)
        {
            case BodyFraming.ContentLength when hasBody:
                Line($"Content-Length: {body.Length}");
                break;
            case BodyFraming.LengthTooLarge:
                Line($"Content-Length: {body.Length + 7}");
                break;
            case BodyFraming.LengthTooSmall:
                Line($"Content-Length: {Math.Max(0, body.Length - 3)}");
                break;
            case BodyFraming.LengthDuplicatedDifferent:
                Line($"Content-Length: {body.Length}");
                Line($"Content-Length: {body.Length + 1}");
                break;
            case BodyFraming.LengthGarbage:
                Line("Content-Length: 12abc");
                break;
            case BodyFraming.Chunked:
            case BodyFraming.ChunkedWithExtension:
            case BodyFraming.ChunkedBadSize:
            case BodyFraming.ChunkedNoTerminator:
            case BodyFraming.ChunkedSizeTooLarge:
            case BodyFraming.ChunkedAndLength:
                Line("Transfer-Encoding: chunked");
                if (BodyFraming == BodyFraming.ChunkedAndLength)
                {
                    Line($"Content-Length: {body.Length}");
                }

                wire = Chunk(body);
                break;
        }

        Line("Connection: close");
        Line("");
        return (head.ToArray(), wire);
    }

    private byte[] Chunk(byte[] body)
    {
        var wire = new MemoryStream();
        int at = 0;
        int size = Math.Max(1, body.Length / 3);
        bool first = true;
        while (at < body.Length)
        {
            int take = Math.Min(size, body.Length - at);
            string sizeText = BodyFraming switch
            {
                BodyFraming.ChunkedBadSize when first => "zz",
                BodyFraming.ChunkedSizeTooLarge when first => (take + 50).ToString("x"),
                BodyFraming.ChunkedWithExtension => take.ToString("x") + ";name=value",
                _ => take.ToString("x"),
            };
            first = false;
            wire.Write(Encoding.ASCII.GetBytes(sizeText + "\r\n"));
            wire.Write(body, at, take);
            wire.Write("\r\n"u8);
            at += take;
        }

        if (BodyFraming != BodyFraming.ChunkedNoTerminator)
        {
            wire.Write("0\r\n\r\n"u8);
        }

        return wire.ToArray();
    }

    /// <summary>The request as text for a report (8-bit and control bytes escaped), bodies cut at 600 bytes.</summary>
    public string Describe(int port)
    {
        (byte[] head, byte[] body) = Render(port);
        string Show(byte[] bytes, int max)
        {
            var text = new StringBuilder();
            foreach (byte b in bytes.Take(max))
            {
                text.Append(b switch
                {
                    (byte)'\r' => "\\r",
                    (byte)'\n' => "\\n\n",
                    < 0x20 or >= 0x7F => $"\\x{b:X2}",
                    _ => ((char)b).ToString(),
                });
            }

            return bytes.Length > max ? text + $"… ({bytes.Length} bytes)" : text.ToString();
        }

        return $"[{Base}; {string.Join(", ", Mutations.DefaultIfEmpty("unmutated"))}; framing {BodyFraming}/{Framing}]\n{Show(head, 2000)}{Show(body, 600)}";
    }
}

/// <summary>
/// Strings a tree cannot hold (lone surrogate escapes, invalid UTF-8, raw control bytes) go into the tree as markers and
/// become their bytes when the body is serialized.
/// </summary>
public static class Placeholders
{
    private static readonly (string Marker, byte[] Bytes)[] s_map =
    [
        ("LONE_HIGH", "\\ud800"u8.ToArray()),
        ("LONE_LOW", "\\udc00"u8.ToArray()),
        ("REVERSED_PAIR", "\\ude00\\ud83d"u8.ToArray()),
        ("BAD_UTF8", [0xC3, 0x28]),
        ("BYTE_FF", [0xFF]),
        ("OVERLONG", [0xC0, 0xAF]),
        ("LONE_CONTINUATION", [0x80]),
        ("TRUNCATED_SEQUENCE", [0xE2, 0x82]),
        ("ENCODED_SURROGATE", [0xED, 0xA0, 0x80]),
        ("RAW_NUL", [0x00]),
        ("RAW_CONTROL", [0x01]),
        ("ESCAPED_NUL", "\\u0000"u8.ToArray()),
        ("DEEP_5000", Encoding.ASCII.GetBytes(new string('[', 5000) + new string(']', 5000))),
    ];

    /// <summary>The markers that stand for invalid or unusual text (not the nesting one).</summary>
    public static IReadOnlyList<string> Markers { get; } = [.. s_map.Select(m => m.Marker).Where(m => !m.StartsWith("DEEP", StringComparison.Ordinal))];

    /// <summary>The tree value that <see cref="Render"/> turns into the marker's bytes.</summary>
    public static string Of(string marker) => "\u0001" + marker + "\u0001";

    public static byte[] Render(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        if (!json.Contains("\\u0001", StringComparison.Ordinal))
        {
            return bytes;
        }

        foreach ((string marker, byte[] replacement) in s_map)
        {
            byte[] escaped = Encoding.UTF8.GetBytes("\\u0001" + marker + "\\u0001");
            bytes = Replace(bytes, escaped, replacement);
        }

        return bytes;
    }

    private static byte[] Replace(byte[] data, byte[] find, byte[] with)
    {
        int at = data.AsSpan().IndexOf(find);
        if (at < 0)
        {
            return data;
        }

        var output = new List<byte>(data.Length);
        int from = 0;
        while (at >= 0)
        {
            output.AddRange(data.AsSpan(from, at - from));
            output.AddRange(with);
            from = at + find.Length;
            int next = data.AsSpan(from).IndexOf(find);
            at = next < 0 ? -1 : next + from;
        }

        output.AddRange(data.AsSpan(from));
        return [.. output];
    }
}
