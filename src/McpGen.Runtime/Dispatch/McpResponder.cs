using System;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary>
/// Where the answer to one JSON-RPC message goes, for dispatch that does not care which transport carried it: the
/// Streamable HTTP response of the POST (JSON with its HTTP status, or an event stream), or for the deprecated HTTP+SSE
/// transport the session's <c>sse</c> stream log, which the replica holding the session's GET writes to the client
/// (HTTP statuses and headers do not exist there: errors are JSON-RPC messages on the stream). A value type: answering
/// costs no allocation.
/// </summary>
internal readonly struct McpResponder
{
    private readonly HttpResponse? _http;
    private readonly SessionStreamLog? _sessionStream;
    private readonly ILogger _logger;

    private McpResponder(HttpResponse? http, SessionStreamLog? sessionStream, ILogger logger)
    {
        _http = http;
        _sessionStream = sessionStream;
        _logger = logger;
    }

    /// <summary>Answers on the HTTP response of a Streamable HTTP POST.</summary>
    public static McpResponder Http(HttpResponse response, ILogger logger) => new(response, null, logger);

    /// <summary>Answers on the session stream of the HTTP+SSE transport.</summary>
    public static McpResponder SessionStream(SessionStreamLog stream, ILogger logger) => new(null, stream, logger);

    /// <summary>
    /// Whether this answers on <paramref name="context"/>'s own response, whose status and headers are the answer's (not a
    /// batch element, not the HTTP+SSE stream).
    /// </summary>
    public bool Answers(HttpContext context) => ReferenceEquals(_http, context.Response);

    /// <summary>Whether something was already sent (an HTTP response has started).</summary>
    public bool HasStarted => _http?.HasStarted ?? false;

    /// <summary>Sets a response header (<c>Mcp-Session-Id</c>, <c>Retry-After</c>); the HTTP+SSE stream has none.</summary>
    public void SetHeader(string name, string value)
    {
        if (_http is { HasStarted: false } response)
        {
            response.Headers[name] = value;
        }
    }

    /// <summary>Sends <paramref name="json"/>, one complete JSON-RPC message, as the whole answer.</summary>
    public Task WriteJsonAsync(int status, ReadOnlySpan<byte> json)
        => _http is not null ? McpResponses.WriteJsonAsync(_http, status, json) : AppendAsync(json.ToArray());

    /// <summary>Sends <c>{"jsonrpc":"2.0","id":...,"result":...}</c> around precomputed result bytes.</summary>
    public Task WriteResultAsync(ReadOnlySpan<byte> rawId, ReadOnlySpan<byte> result)
    {
        if (_http is not null)
        {
            return McpResponses.WriteResultAsync(_http, rawId, result);
        }

        ResponseBuffer buffer = ResponseBuffer.Rent();
        try
        {
            JsonRpcWriter.WriteResultStart(buffer.Json, rawId);
            buffer.Json.WriteRawValue(result, skipInputValidation: true);
            buffer.Json.WriteEndObject();
            buffer.Json.Flush();
            return AppendAsync(buffer.WrittenMemory.ToArray());
        }
        finally
        {
            ResponseBuffer.Return(buffer);
        }
    }

    /// <summary>Sends a JSON-RPC error (with its HTTP status). <paramref name="rawId"/> empty means <c>"id": null</c>.</summary>
    public Task WriteErrorAsync(ReadOnlySpan<byte> rawId, McpError error)
    {
        if (_http is not null)
        {
            return McpResponses.WriteErrorAsync(_http, rawId, error, _logger);
        }

        McpGen.Diagnostics.McpOperation.JsonRpcError(error);

        McpEndpointLog.RequestRejected(_logger, error.HttpStatus, error.Code, error.Message);
        ResponseBuffer buffer = ResponseBuffer.Rent();
        try
        {
            JsonRpcWriter.WriteError(buffer.Json, rawId, error);
            return AppendAsync(buffer.WrittenMemory.ToArray());
        }
        finally
        {
            ResponseBuffer.Return(buffer);
        }
    }

    /// <summary>Acknowledges a notification or a client response: 202 with no body; nothing on the HTTP+SSE stream.</summary>
    public Task AcceptedAsync() => _http is not null ? McpResponses.WriteAcceptedAsync(_http) : Task.CompletedTask;

    /// <summary>
    /// Answers a call cancelled (by <c>notifications/cancelled</c>) before anything was streamed: no JSON-RPC response, as
    /// the spec says, but an empty event stream rather than an empty 200, which clients reject as an unknown content type.
    /// </summary>
    public void WriteEmptyEventStream(CancellationToken aborted)
    {
        if (_http is { HasStarted: false } response && !aborted.IsCancellationRequested)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.ContentLength = 0;
        }
    }

    /// <summary>
    /// The event stream of one call: on the HTTP response (logged for resumption when <paramref name="requestLog"/> is
    /// given), or on the HTTP+SSE session stream.
    /// </summary>
    public SseRequestStream OpenStream(CancellationToken aborted, ReadOnlySpan<byte> rawProgressToken, McpLogLevel? logThreshold, SessionStreamLog? requestLog)
        => _http is not null
            ? new SseRequestStream(_http, aborted, rawProgressToken, logThreshold, _logger, requestLog)
            : new SseRequestStream(null, CancellationToken.None, rawProgressToken, logThreshold, _logger, _sessionStream, resultEndsLog: false);

    private async Task AppendAsync(byte[] message)
    {
        try
        {
            await _sessionStream!.AppendAsync(message, last: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (McpStoreUnavailableException ex)
        {
            McpSessionLog.StoreUnavailable(_logger, "an HTTP+SSE answer could not be appended to the session stream", ex);
        }
    }
}
