using System.Text;
using System.Text.Unicode;
using System.Text.Json;

namespace McpGen.Fuzz;

/// <summary>One thing the oracle objects to: a class (stable, for grouping) and what exactly was seen.</summary>
public readonly record struct Violation(string Class, string Detail);

/// <summary>What the fuzzer sent, as the oracle needs it.</summary>
internal enum SentKind
{
    NotJson,
    Request,
    RequestWithInvalidId,
    Notification,
    Response,
    Batch,
    Other,
}

/// <summary>
/// The oracle: no 5xx except a 503 with Retry-After; an answer to every request within its time limit; a JSON-RPC
/// message where one is required, with the envelope, id echo and error member types right, valid against the official
/// schema of the revision; no internal error (-32603, or a tool's "An error occurred") for what is the client's
/// mistake; and the protocol rules the issue names (202 only for notifications and responses, and only with a session
/// id on a session server; batches on 2025-03-26; an unknown Last-Event-ID is not an open stream).
/// </summary>
internal sealed class Oracle(SpecSchemas schemas, string mode)
{
    private readonly bool _sessions = mode is "sticky" or "store";

    public List<Violation> Judge(FuzzCase sent, RawResponse response)
    {
        var found = new List<Violation>();
        if (sent.Framing == Framing.CloseMidBody)
        {
            return found; // nobody is left to answer; the server must only survive (checked by the health probe)
        }

        if (response.TimedOut)
        {
            found.Add(new(sent.Framing == Framing.StallMidBody ? "stalled body: no answer (the server never timed the body out)" : "no answer within the time limit",
                $"after {response.Elapsed.TotalSeconds:F1} s"));
            return found;
        }

        if (response.NoAnswer)
        {
            // A server may answer a bad request line or header before the body has arrived and close; a client still
            // writing then gets a reset that can discard the answer. Only a connection closed on a request that was
            // sent whole is the server's fault.
            if (!response.WriteFailed && sent.Framing is Framing.Normal or Framing.Trickle && sent.BodyFraming is BodyFraming.ContentLength or BodyFraming.Chunked)
            {
                found.Add(new("connection closed without an HTTP status", ""));
            }

            return found;
        }

        int status = response.Status;
        // 503 with Retry-After is the documented store outage answer; 505 is Kestrel's answer to a mutated HTTP version.
        if (status >= 500 && !(status == 503 && response.Header("Retry-After") is not null) && !(status == 505 && sent.HttpVersion != "HTTP/1.1"))
        {
            found.Add(new($"HTTP {status}", response.StatusLine));
        }

        (SentKind kind, JsonElement? id, JsonElement? sentRoot) = Analyze(sent.Body);
        sent.Revision = ServedRevision(sent, kind, sentRoot);
        bool badFraming = sent.BodyFraming is not (BodyFraming.ContentLength or BodyFraming.Chunked or BodyFraming.ChunkedWithExtension)
            || sent.Framing is Framing.HalfCloseMidBody or Framing.StallMidBody;

        // A POST always gets a JSON-RPC answer or 202; a DELETE that ended its session may answer 200 with no body.
        if (status == 200 && response.Body.Length == 0 && !response.IsEventStream && sent.HttpMethod != "DELETE")
        {
            found.Add(new(badFraming ? "broken or unfinished body answered 200 with an empty body" : "200 with an empty body", $"{sent.BodyFraming}/{sent.Framing}"));
        }

        if (status == 202 && response.Body.Length > 0)
        {
            found.Add(new("202 with a body", Preview(response.Body)));
        }

        if (status == 202 && kind == SentKind.Request && sent.HttpMethod == "POST" && !badFraming)
        {
            found.Add(new("request answered 202 (no response)", ""));
        }

        if (_sessions && status == 202 && kind is SentKind.Notification or SentKind.Response && sent.GetHeader("Mcp-Session-Id") is null && !badFraming)
        {
            found.Add(new("client notification/response without Mcp-Session-Id accepted with 202 (spec: SHOULD be 400)", kind.ToString()));
        }

        if (sent.Probe == "unknown-last-event-id" && sent.HttpMethod == "GET" && !string.IsNullOrWhiteSpace(sent.GetHeader("Last-Event-ID")) && status == 200 && response.IsEventStream)
        {
            found.Add(new("GET with a Last-Event-ID of a stream the session never had stays open (400/404 expected)", sent.GetHeader("Last-Event-ID") ?? ""));
        }

        if (response.Body.Length == 0)
        {
            return found;
        }

        if (response.IsJson)
        {
            JudgeJsonBody(sent, kind, id, sentRoot, response.Body, found);
        }
        else if (response.IsEventStream)
        {
            JudgeEventStream(sent, kind, id, response, found);
        }
        else
        {
            found.Add(new($"body with content type '{response.Header("Content-Type") ?? "(none)"}'", Preview(response.Body)));
        }

        return found;
    }

    private void JudgeJsonBody(FuzzCase sent, SentKind kind, JsonElement? id, JsonElement? sentRoot, byte[] body, List<Violation> found)
    {
        if (!Utf8.IsValid(body))
        {
            found.Add(new("response body is not valid UTF-8", Preview(body)));
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 512 });
        }
        catch (JsonException e)
        {
            found.Add(new("response body is not JSON", e.Message));
            return;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                if (kind != SentKind.Batch)
                {
                    found.Add(new("array response to a message that is not a batch", ""));
                }

                foreach (JsonElement item in root.EnumerateArray())
                {
                    JudgeMessage(sent, SentKind.Request, null, item, found, inBatch: true);
                }

                return;
            }

            // An empty batch is one invalid request (JSON-RPC 2.0): -32600 is its right answer.
            if (kind == SentKind.Batch && sentRoot is { ValueKind: JsonValueKind.Array } batch && batch.GetArrayLength() > 0 && BatchRefused(sent, root))
            {
                found.Add(new("JSON-RPC batch refused with -32600 on a 2025-03-26 session (that revision: servers MUST accept batches)", Preview(root)));
            }

            JudgeMessage(sent, kind, id, root, found, inBatch: false);
        }
    }

    private static bool BatchRefused(FuzzCase sent, JsonElement root)
        => sent.Revision == "2025-03-26"
           && sent.GetHeader("MCP-Protocol-Version") is null or "2025-03-26" && sent.HeaderCount("MCP-Protocol-Version") <= 1
           // only a batch sent in the 2025-03-26 session itself must be served; without it (or with another id) the
           // session error is the right answer
           && sent.Session?.Id is { } session && sent.GetHeader("Mcp-Session-Id")?.Trim() == session
           && sent.Target == "/mcp" // the Streamable HTTP endpoint (a mutated target is some other endpoint's business)
           && root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object
           && error.TryGetProperty("code", out JsonElement code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out int c) && c == -32600
           // the refusal of batches as such; a session that another case ended meanwhile is rightly "not found"
           && error.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String
           && message.GetString()!.Contains("batches were removed", StringComparison.Ordinal);

    private void JudgeEventStream(FuzzCase sent, SentKind kind, JsonElement? id, RawResponse response, List<Violation> found)
    {
        if (!Utf8.IsValid(response.Body))
        {
            found.Add(new("event stream is not valid UTF-8", Preview(response.Body)));
            return;
        }

        string text = Encoding.UTF8.GetString(response.Body).Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (string block in text.Split("\n\n"))
        {
            string data = string.Join("\n", block.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].TrimStart(' ')));
            if (data.Length == 0)
            {
                continue;
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(data, new JsonDocumentOptions { MaxDepth = 512 });
                // A batch answered as one event stream carries one response per element, each judged as a batch item.
                JudgeMessage(sent, kind, id, document.RootElement, found, inBatch: kind == SentKind.Batch);
            }
            catch (JsonException e)
            {
                found.Add(new("SSE data that is not JSON", e.Message));
            }
        }
    }

    private void JudgeMessage(FuzzCase sent, SentKind kind, JsonElement? id, JsonElement message, List<Violation> found, bool inBatch)
    {
        string revision = sent.Revision;
        if (message.ValueKind != JsonValueKind.Object)
        {
            found.Add(new("JSON-RPC message that is not an object", message.ValueKind.ToString()));
            return;
        }

        if (!message.TryGetProperty("jsonrpc", out JsonElement version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
        {
            found.Add(new("message without \"jsonrpc\":\"2.0\"", Preview(message)));
        }

        if (message.TryGetProperty("method", out JsonElement method))
        {
            // A server notification or request on an event stream.
            string name = method.ValueKind == JsonValueKind.String ? method.GetString() ?? "" : "?";
            bool isRequest = message.TryGetProperty("id", out _);
            Schema(revision, isRequest ? "JSONRPCRequest" : "JSONRPCNotification", message, name, found);
            Schema(revision, isRequest ? "ServerRequest" : "ServerNotification", message, name, found);
            return;
        }

        bool hasResult = message.TryGetProperty("result", out JsonElement result);
        bool hasError = message.TryGetProperty("error", out JsonElement error);
        if (hasResult == hasError)
        {
            found.Add(new("response with both or neither of result and error", Preview(message)));
            return;
        }

        if (hasResult && result.ValueKind == JsonValueKind.Object && result.TryGetProperty("protocolVersion", out JsonElement negotiated)
            && result.TryGetProperty("serverInfo", out _) && negotiated.ValueKind == JsonValueKind.String && IsRevision(negotiated.GetString()!))
        {
            revision = negotiated.GetString()!; // an InitializeResult is judged at the version it negotiates
        }

        bool hasId = message.TryGetProperty("id", out JsonElement answeredId);
        if (!hasId)
        {
            found.Add(new("response without an id", Preview(message)));
        }
        else if (answeredId.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null)
                 || (answeredId.ValueKind == JsonValueKind.Number && !answeredId.TryGetInt64(out _)))
        {
            found.Add(new("response id that is neither a string, an integer nor null", answeredId.GetRawText()));
        }

        if (!inBatch && hasId)
        {
            if (hasResult)
            {
                if (kind != SentKind.Request)
                {
                    found.Add(new(kind == SentKind.NotJson ? "result for a body that is not valid UTF-8 JSON" : $"result for a message that is not a valid request ({kind})", Preview(message)));
                }
                else if (id is { } sentId && !JsonElement.DeepEquals(sentId, answeredId))
                {
                    found.Add(new("result id differs from the request id", $"sent {sentId.GetRawText()}, got {answeredId.GetRawText()}"));
                }
            }
            else if (answeredId.ValueKind != JsonValueKind.Null && !(id is { } sentId && JsonElement.DeepEquals(sentId, answeredId)))
            {
                found.Add(new("error echoes an id the request did not validly carry", answeredId.GetRawText()));
            }
        }

        if (hasError)
        {
            if (error.ValueKind != JsonValueKind.Object
                || !error.TryGetProperty("code", out JsonElement code) || code.ValueKind != JsonValueKind.Number || !code.TryGetInt32(out int c)
                || !error.TryGetProperty("message", out JsonElement text) || text.ValueKind != JsonValueKind.String)
            {
                found.Add(new("error member without an integer code and a string message", Preview(message)));
                return;
            }

            if (c == -32603)
            {
                found.Add(new("internal error (-32603) for a client's request", text.GetString() ?? ""));
            }
        }
        else if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("isError", out JsonElement isError) && isError.ValueKind == JsonValueKind.True
                 && result.GetRawText().Contains("An error occurred", StringComparison.Ordinal))
        {
            found.Add(new("tool result reports a server fault (\"An error occurred\") for a client's request", Preview(result)));
        }

        if (hasId && answeredId.ValueKind == JsonValueKind.Null)
        {
            // JSON-RPC 2.0 answers an undetectable id with null; the MCP schemas type RequestId as string|integer, and
            // only 2025-11-25 and later make the id optional: judge the rest of the error against that definition.
            Schema("2025-11-25", "JSONRPCErrorResponse", Strip(message, "id"), "error (id null)", found);
        }
        else if (schemas.Has(revision, "JSONRPCErrorResponse"))
        {
            Schema(revision, "JSONRPCResponse", message, hasError ? "error" : "result", found);
        }
        else
        {
            Schema(revision, hasError ? "JSONRPCError" : "JSONRPCResponse", message, hasError ? "error" : "result", found);
        }
    }

    private void Schema(string revision, string definition, JsonElement instance, string what, List<Violation> found)
    {
        if (!schemas.Has(revision, definition))
        {
            return;
        }

        if (schemas.Check(revision, definition, instance) is { } problem)
        {
            found.Add(new($"fails the {revision} schema ({definition}, {what})", problem + " in " + Preview(instance)));
        }
    }

    private static JsonElement Strip(JsonElement message, params string[] names)
    {
        var copy = System.Text.Json.Nodes.JsonNode.Parse(message.GetRawText())!.AsObject();
        foreach (string name in names)
        {
            copy.Remove(name);
        }

        return JsonDocument.Parse(copy.ToJsonString()).RootElement.Clone();
    }

    /// <summary>
    /// The revision whose schema judges the answer, from what was actually sent (a mutation may drop or change the
    /// version): <c>params._meta</c>'s protocol version when it names one; for <c>initialize</c>, the version it
    /// negotiates (judged again against the result's own <c>protocolVersion</c>); else a legacy
    /// <c>MCP-Protocol-Version</c> header, or 2025-03-26 without one (the spec's default). Anything else is answered
    /// with an error, judged at the corpus entry's revision.
    /// </summary>
    private string ServedRevision(FuzzCase sent, SentKind kind, JsonElement? sentRoot)
    {
        if (kind is not (SentKind.Request or SentKind.Notification) || sentRoot is not { ValueKind: JsonValueKind.Object } root)
        {
            return sent.Revision;
        }

        if (root.TryGetProperty("params", out JsonElement parameters) && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("_meta", out JsonElement meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("io.modelcontextprotocol/protocolVersion", out JsonElement metaVersion))
        {
            return metaVersion.ValueKind == JsonValueKind.String && IsValidText(metaVersion) && IsRevision(metaVersion.GetString()!)
                ? metaVersion.GetString()!
                : sent.Revision;
        }

        if (root.TryGetProperty("method", out JsonElement method) && method.ValueEquals("initialize"))
        {
            return sent.Revision == Corpus.Modern ? LatestLegacy : sent.Revision;
        }

        if (sent.HeaderCount("MCP-Protocol-Version") > 1)
        {
            return sent.Revision; // two values are one unsupported value to the server: it answers with an error
        }

        return sent.GetHeader("MCP-Protocol-Version")?.Trim(' ', '\t') switch // HTTP drops the whitespace around a value
        {
            null => "2025-03-26",
            string header when header != Corpus.Modern && IsRevision(header) => header,
            _ => sent.Revision,
        };
    }

    private const string LatestLegacy = "2025-11-25";

    private bool IsRevision(string version) => schemas.Has(version, "JSONRPCResponse");

    internal static (SentKind Kind, JsonElement? Id, JsonElement? Root) Analyze(byte[] body)
    {
        if (body.Length == 0 || !Utf8.IsValid(body))
        {
            return (SentKind.NotJson, null, null);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 100_000 });
            JsonElement root = document.RootElement.Clone();
            if (root.ValueKind == JsonValueKind.Array)
            {
                return (SentKind.Batch, null, root);
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return (SentKind.Other, null, root);
            }

            bool hasMethod = root.TryGetProperty("method", out JsonElement method) && method.ValueKind == JsonValueKind.String && IsValidText(method);
            bool hasId = root.TryGetProperty("id", out JsonElement id);
            bool validId = hasId && (id.ValueKind == JsonValueKind.String && IsValidText(id) || id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out _));
            JsonElement? echo = validId ? id : null; // an error may echo a valid id even when the rest is wrong
            bool version = root.TryGetProperty("jsonrpc", out JsonElement v) && v.ValueKind == JsonValueKind.String && v.ValueEquals("2.0");
            if (!version)
            {
                return (SentKind.Other, echo, root);
            }

            if (hasMethod)
            {
                return !hasId ? (SentKind.Notification, null, root) : validId ? (SentKind.Request, id, root) : (SentKind.RequestWithInvalidId, null, root);
            }

            return validId && (root.TryGetProperty("result", out _) || root.TryGetProperty("error", out _)) ? (SentKind.Response, id, root) : (SentKind.Other, echo, root);
        }
        catch (JsonException)
        {
            return (SentKind.NotJson, null, null);
        }
        catch (InvalidOperationException)
        {
            return (SentKind.Other, null, null); // "jsonrpc" holds text that is not valid Unicode
        }
    }

    private static bool IsValidText(JsonElement text)
    {
        try
        {
            _ = text.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Preview(JsonElement element) => Preview(Encoding.UTF8.GetBytes(element.GetRawText()));

    internal static string Preview(byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 300));
        return bytes.Length > 300 ? text + "…" : text;
    }
}
