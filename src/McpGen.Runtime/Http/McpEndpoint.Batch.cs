using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Unicode;
using System.Threading.Tasks;
using McpGen.Dispatch;
using McpGen.Protocol;
using McpGen.Sessions;
using Microsoft.AspNetCore.Http;

namespace McpGen.Http;

/// <summary>
/// JSON-RPC batches (a body that is a JSON array). Revision 2025-03-26 says servers MUST accept them; 2025-06-18 removed
/// them. Served for:
/// <list type="bullet">
/// <item>a session server: the session named by <c>Mcp-Session-Id</c> negotiated 2025-03-26 (and
/// <c>MCP-Protocol-Version</c>, if sent, says 2025-03-26 too);</item>
/// <item>a stateless server: <c>MCP-Protocol-Version</c> is 2025-03-26 or absent (absent means 2025-03-26, as the
/// 2025-06-18 revision tells servers to assume).</item>
/// </list>
/// Anything else gets 400 with -32600 saying batches were removed in 2025-06-18. An empty array is -32600 (JSON-RPC 2.0:
/// one invalid request), as is a batch of more than <see cref="McpServerOptions.MaxBatchSize"/> elements, or one whose
/// JSON cannot be split into elements (-32700). Each element is then judged and dispatched as a single message would be
/// (through the same <see cref="McpDispatcher"/>), all of them concurrently (JSON-RPC allows any order); an invalid
/// element gets its own error object, <c>initialize</c> in a batch is -32600 (the revision forbids it), and a
/// 2026-07-28 request (by its <c>_meta</c>) is -32600. The answer is built by <see cref="BatchResponse"/>: 202 for only
/// notifications and responses, else a JSON array, or one event stream as soon as an element streams.
/// </summary>
internal sealed partial class McpEndpoint
{
    private const string BatchVersion = "2025-03-26";

    private static readonly string s_batchesRemoved =
        "JSON-RPC batches were removed in protocol revision 2025-06-18; only sessions that negotiated 2025-03-26 may send them. "
        + "Send one JSON-RPC message per HTTP POST.";

    /// <summary>Whether the body is a JSON array (its first non-whitespace byte is <c>[</c>).</summary>
    private static bool IsBatch(ReadOnlySpan<byte> body)
    {
        foreach (byte b in body)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b == (byte)'[';
        }

        return false;
    }

    private Task HandleBatchAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        string? header = McpHeaders.Get(context.Request.Headers, McpHeaders.ProtocolVersion);
        if (header is not null && header != BatchVersion)
        {
            // A version this server does not know (or a header sent twice) is that problem, not one of batches.
            return Reject400(context, McpProtocolVersions.FindLegacy(header) is null && header != McpProtocolVersions.Modern
                ? McpError.InvalidRequest($"Unsupported MCP-Protocol-Version header '{header}'. This server supports {McpProtocolVersions.LegacyText} after initialize; "
                    + "JSON-RPC batches only in a session that negotiated 2025-03-26. Send the version initialize returned, once.")
                : McpError.InvalidRequest(s_batchesRemoved + $" This request says MCP-Protocol-Version: {header}."));
        }

        if (SplitBatch(body, out List<ReadOnlyMemory<byte>> elements) is { } invalid)
        {
            return Reject400(context, invalid);
        }

        if (_sessions is null)
        {
            return ServeBatchAsync(context, elements, null);
        }

        return WithStoreAsync(context, async c =>
        {
            await _sessions.EnsureStartedAsync().ConfigureAwait(false);
            SessionLookup lookup = await _sessions.ResolveAsync(c).ConfigureAwait(false);
            if (lookup.Error is { } error)
            {
                await McpResponses.WriteErrorAsync(c, default, error, _logger).ConfigureAwait(false);
                return;
            }

            if (lookup.Session!.ProtocolVersion != BatchVersion)
            {
                await Reject400(c, McpError.InvalidRequest(s_batchesRemoved + $" This session negotiated {lookup.Session.ProtocolVersion}.")).ConfigureAwait(false);
                return;
            }

            await ServeBatchAsync(c, elements, lookup.Session).ConfigureAwait(false);
        });
    }

    /// <summary>Splits a batch into its elements' bytes; the error of the whole batch when it cannot be served.</summary>
    private McpError? SplitBatch(ReadOnlyMemory<byte> body, out List<ReadOnlyMemory<byte>> elements)
    {
        elements = [];
        if (!Utf8.IsValid(body.Span))
        {
            return McpError.Parse("the body is not valid UTF-8. Send the JSON-RPC batch as UTF-8 JSON text.");
        }

        int limit = Services.Options.MaxBatchSize;
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = Services.Options.MaxJsonDepth });
        try
        {
            reader.Read(); // StartArray (IsBatch)
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (elements.Count == limit)
                {
                    return McpError.InvalidRequest(
                        $"this batch holds more than {limit} messages (McpServerOptions.MaxBatchSize). Send smaller batches, or one message per POST.");
                }

                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                elements.Add(body[start..(int)reader.BytesConsumed]);
            }

            while (reader.Read())
            {
                // Anything after the array makes the body invalid JSON: Read throws.
            }
        }
        catch (JsonException ex)
        {
            return McpError.Parse($"the batch is not valid JSON ({ex.Message}). Send a JSON array of JSON-RPC messages.");
        }

        return elements.Count == 0
            ? McpError.InvalidRequest("the batch is empty. A JSON-RPC batch holds at least one message.")
            : null;
    }

    private async Task ServeBatchAsync(HttpContext context, List<ReadOnlyMemory<byte>> elements, McpSessionState? session)
    {
        var batch = new BatchResponse(context.Response, context.RequestAborted);
        var running = new Task[elements.Count];
        for (int i = 0; i < elements.Count; i++)
        {
            running[i] = ServeElementAsync(context, batch, elements[i], session);
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        await batch.CompleteAsync().ConfigureAwait(false);
    }

    private async Task ServeElementAsync(HttpContext context, BatchResponse batch, ReadOnlyMemory<byte> body, McpSessionState? session)
    {
        HttpResponse element = batch.NewElement();
        await Task.Yield(); // the elements run concurrently
        await DispatchElementAsync(context, element, body, session).ConfigureAwait(false);
        await batch.CompleteElementAsync(element).ConfigureAwait(false);
    }

    private Task DispatchElementAsync(HttpContext context, HttpResponse element, ReadOnlyMemory<byte> body, McpSessionState? session)
    {
        if (Read(body, out JsonRpcMessage message) is { } invalid)
        {
            return FailElement(element, message, invalid);
        }

        if (message.Kind != JsonRpcMessageKind.Request)
        {
            return session is null ? Task.CompletedTask : AcceptElementAsync(element, message, session, context);
        }

        if (McpEraDetector.Detect(message, null, out McpEra era) is { } unsupported)
        {
            return FailElement(element, message, unsupported);
        }

        if (era.IsModern)
        {
            return FailElement(element, message, McpError.InvalidRequest(s_batchesRemoved + " A 2026-07-28 request (by its _meta) is never part of a batch."));
        }

        if (message.Method == McpMethod.Initialize)
        {
            return FailElement(element, message, McpError.InvalidRequest(
                "initialize must not be part of a JSON-RPC batch (2025-03-26). Send it alone, then batch the requests of the session it creates."));
        }

        McpResponder responder = McpResponder.Http(element, _logger);
        return session is null
            ? _dispatcher.DispatchAsync(message, new McpCaller(context, new McpEra(false, BatchVersion), null), responder)
            : DispatchCountedAsync(message, new McpCaller(context, new McpEra(false, session.ProtocolVersion), new SessionCall(_sessions!, session)), responder, session.Id);
    }

    /// <summary>Dispatches a session request within <see cref="McpSessionOptions.MaxConcurrentCallsPerSession"/> (429 beyond).</summary>
    private async Task DispatchCountedAsync(JsonRpcMessage message, McpCaller caller, McpResponder responder, string sessionId)
    {
        if (!_limits.TryEnterCall(sessionId))
        {
            McpEndpointLog.SessionCallLimit(_logger, sessionId, Services.Options.Sessions.MaxConcurrentCallsPerSession);
            responder.SetHeader("Retry-After", "1");
            await responder.WriteErrorAsync(message.Raw(message.Id), SessionLimits.TooMany(calls: true, Services.Options.Sessions.MaxConcurrentCallsPerSession)).ConfigureAwait(false);
            return;
        }

        try
        {
            await _dispatcher.DispatchAsync(message, caller, responder).ConfigureAwait(false);
        }
        finally
        {
            _limits.ExitCall(sessionId);
        }
    }

    private async Task AcceptElementAsync(HttpResponse element, JsonRpcMessage message, McpSessionState session, HttpContext context)
    {
        if (await AcceptClientMessageAsync(message, session, context.RequestAborted).ConfigureAwait(false) is { } error)
        {
            await McpResponses.WriteErrorAsync(element, default, error, _logger).ConfigureAwait(false);
        }
    }

    private Task FailElement(HttpResponse element, in JsonRpcMessage message, McpError error)
        => McpResponses.WriteErrorAsync(element, message.Id.IsPresent ? message.Raw(message.Id) : default, error, _logger);

    private Task Reject400(HttpContext context, McpError error) => McpResponses.WriteErrorAsync(context, default, error, _logger);
}
