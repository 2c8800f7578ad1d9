using System;
using System.Text.Json;
using System.Threading;
using McpGen.Sessions;
using System.Threading.Tasks;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpGen.Transport;

/// <summary>
/// <c>tools/call</c>: validates the call (-32602 for a missing name, an unknown tool or non-object arguments), runs the
/// generated handler against a pooled result buffer, maps exceptions to <c>isError</c> results, and answers with JSON,
/// or with an SSE stream (<see cref="SseRequestStream"/>) once the tool reports progress (when the client sent a progress
/// token) or logs a message the client's level lets through.
/// </summary>
internal sealed class ToolCallHandler(McpServerResults results, JsonSerializerOptions serializerOptions, ILogger logger)
{
    private const int MaxToolNameLength = 256;
    private const int MaxListedToolNames = 30;

    /// <summary>Handles a validated <c>tools/call</c> request of either era.</summary>
    /// <param name="context">The HTTP request.</param>
    /// <param name="message">The request.</param>
    /// <param name="era">The request's era.</param>
    /// <param name="session">The session of a sticky or store-backed server's <c>initialize</c>-era request.</param>
    public Task HandleAsync(HttpContext context, in JsonRpcMessage message, McpEra era, SessionCall? session = null)
    {
        ReadOnlySpan<byte> rawId = message.Raw(message.Id);
        if (!message.Name.IsString)
        {
            return McpResponses.WriteErrorAsync(context, rawId, new McpError(200, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: tools/call needs params.name, a string naming one of the tools from tools/list."), logger);
        }

        McpToolDefinition? tool = FindTool(message);
        if (tool is null)
        {
            string hint = results.ToolCount <= MaxListedToolNames
                ? $" Available tools: {results.ToolNames}."
                : " Call tools/list to see the available tools.";
            return McpResponses.WriteErrorAsync(context, rawId, new McpError(200, JsonRpcErrorCodes.InvalidParams,
                $"Unknown tool: {message.GetString(message.Name)}.{hint}"), logger);
        }

        JsonSlice arguments = message.Arguments;
        if (arguments.IsPresent && !arguments.IsNull && !arguments.IsObject)
        {
            return McpResponses.WriteErrorAsync(context, rawId, new McpError(200, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: params.arguments of tool '{tool.Name}' must be a JSON object (argument names to values), or omitted."), logger);
        }

        // One event stream carries both progress and log messages, in the order the tool sends them.
        bool progress = (tool.Features & McpToolFeatures.Progress) != 0
            && message.ProgressToken.Type is JsonTokenType.String or JsonTokenType.Number;
        bool takesRequest = (tool.Features & McpToolFeatures.Logging) != 0;
        McpLogLevel? logThreshold = !takesRequest ? null
            : session is { } call ? call.State.LogLevel ?? McpLogLevels.LegacyDefault
            : LogThreshold(message, era);
        SseRequestStream? stream = progress || logThreshold is not null
            ? new SseRequestStream(context, progress ? message.Raw(message.ProgressToken) : default, logThreshold, logger,
                session is { } s ? s.Runtime.OpenRequestStream(s.State) : null)
            : null;

        ReadOnlyMemory<byte> rawIdMemory = message.RawMemory(message.Id);
        var request = new McpRequestContext(
            context,
            era.Version,
            era.IsModern,
            rawIdMemory,
            message.MetaClientInfo.IsObject ? message.RawMemory(message.MetaClientInfo) : default,
            progress ? stream : null);
        if (logThreshold is not null)
        {
            request.LogSink = stream;
        }

        request.Stream = stream;
        request.Session = session?.State;
        return InvokeAsync(context, tool, request, rawIdMemory, arguments.IsObject ? message.RawMemory(arguments) : default, stream, era.IsModern, session);
    }

    /// <summary>
    /// The lowest level sent to the client: for 2026-07-28 the request's <c>_meta["io.modelcontextprotocol/logLevel"]</c>
    /// (absent: no messages at all, as the spec requires); for <c>initialize</c>-era requests the default, info, since a
    /// stateless endpoint keeps no <c>logging/setLevel</c> level (that <c>_meta</c> key does not exist before 2026-07-28).
    /// </summary>
    internal static McpLogLevel? LogThreshold(in JsonRpcMessage message, McpEra era)
        => era.IsModern ? McpLogLevels.Parse(message, message.MetaLogLevel) : McpLogLevels.LegacyDefault;

    private McpToolDefinition? FindTool(in JsonRpcMessage message)
    {
        Span<char> name = stackalloc char[MaxToolNameLength];
        int length = message.CopyString(message.Name, name);
        return length < 0 ? null : results.FindTool(name[..length]);
    }

    private async Task InvokeAsync(
        HttpContext context,
        McpToolDefinition tool,
        McpRequestContext request,
        ReadOnlyMemory<byte> rawId,
        ReadOnlyMemory<byte> arguments,
        SseRequestStream? stream,
        bool modern,
        SessionCall? session)
    {
        ResponseBuffer buffer = ResponseBuffer.Rent();

        // A session call ends by notifications/cancelled (or its own end): a dropped connection is not a cancellation
        // once the client holds an event id (it may resume the stream), so the tool keeps running and its events are
        // logged. A drop before that is one: the client cannot resume and would never see the result (and it is how
        // clients that send no notifications/cancelled over HTTP, such as ModelContextProtocol.Core 2.3.1, cancel).
        CancellationTokenSource? tracked = session is { } call ? call.Runtime.Track(call.State.Id, rawId.Span) : null;
        CancellationToken cancellation = tracked?.Token ?? context.RequestAborted;
        CancellationTokenRegistration dropped = tracked is null ? default : context.RequestAborted.Register(
            static state =>
            {
                (SseRequestStream? s, CancellationTokenSource source) = ((SseRequestStream?, CancellationTokenSource))state!;
                if (s is not { Resumable: true })
                {
                    source.Cancel();
                }
            },
            (stream, tracked));
        request.CallAborted = cancellation;
        try
        {
            bool answered = await RunAsync(context, tool, request, rawId, arguments, buffer, modern, cancellation).ConfigureAwait(false);
            if (!answered)
            {
                if (stream is not null)
                {
                    await stream.CompleteAsync(null).ConfigureAwait(false);
                }

                if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
                {
                    // Cancelled (notifications/cancelled) before anything was streamed: no JSON-RPC response, as the spec
                    // says, but an empty event stream rather than an empty 200, which clients reject as an unknown content type.
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    context.Response.ContentType = "text/event-stream";
                    context.Response.Headers.CacheControl = "no-cache";
                    context.Response.ContentLength = 0;
                }

                return;
            }

            ReadOnlyMemory<byte> response = buffer.WrittenMemory;
            if (stream is not null && await stream.CompleteAsync(response).ConfigureAwait(false))
            {
                return;
            }

            await McpResponses.WriteJsonAsync(context, StatusCodes.Status200OK, response.Span).ConfigureAwait(false);
        }
        finally
        {
            // Only a tool that takes McpRequestContext (flagged Logging by the generator) can keep the context past the
            // call, so only then are the id and clientInfo decoded before the body goes back to the pool.
            request.Detach(decode: (tool.Features & McpToolFeatures.Logging) != 0);
            ResponseBuffer.Return(buffer);
            if (tracked is not null)
            {
                dropped.Dispose(); // waits for a running callback, so the source is not cancelled after it is disposed
                session!.Value.Runtime.Untrack(session.Value.State.Id, rawId.Span, tracked);
            }
        }
    }

    /// <summary>Runs the tool and leaves the complete response in <paramref name="buffer"/>; <see langword="false"/> when cancelled.</summary>
    private async Task<bool> RunAsync(
        HttpContext context,
        McpToolDefinition tool,
        McpRequestContext request,
        ReadOnlyMemory<byte> rawId,
        ReadOnlyMemory<byte> arguments,
        ResponseBuffer buffer,
        bool modern,
        CancellationToken cancellation)
    {
        StartResult(buffer, rawId.Span);
        var call = new McpToolContext(request, services: null, serializerOptions, arguments, buffer.Json, cancellation);
        try
        {
            await tool.Handler(call).ConfigureAwait(false);
            if (!call.ResultWritten)
            {
                if (call.HasArgumentErrors)
                {
                    call.WriteError(call.DescribeArgumentErrors(tool.Name));
                }
                else
                {
                    call.WriteEmpty();
                }
            }

            EndResult(buffer, modern);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            McpEndpointLog.ToolCancelled(logger, tool.Name);
            return false;
        }
        catch (Exception ex) when (ex is McpToolException or ArgumentException)
        {
            McpEndpointLog.ToolReportedError(logger, tool.Name, ex.Message);
            WriteErrorResult(buffer, rawId.Span, ex.Message, modern);
        }
        catch (Exception ex)
        {
            McpEndpointLog.ToolFailed(logger, tool.Name, ex);
            WriteErrorResult(buffer, rawId.Span, $"An error occurred while running tool '{tool.Name}'. The server log has the details.", modern);
        }

        return true;
    }

    private static void StartResult(ResponseBuffer buffer, ReadOnlySpan<byte> rawId)
    {
        buffer.Clear();
        JsonRpcWriter.WriteResultStart(buffer.Json, rawId);
        buffer.Json.WriteStartObject();
    }

    private void EndResult(ResponseBuffer buffer, bool modern)
    {
        Utf8JsonWriter json = buffer.Json;
        if (modern)
        {
            json.WriteString("resultType"u8, "complete"u8);
            json.WritePropertyName("_meta"u8);
            json.WriteRawValue(results.ModernMeta, skipInputValidation: true);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>Discards whatever the tool wrote and writes an <c>isError</c> result with one text block.</summary>
    private void WriteErrorResult(ResponseBuffer buffer, ReadOnlySpan<byte> rawId, string message, bool modern)
    {
        StartResult(buffer, rawId);
        Utf8JsonWriter json = buffer.Json;
        json.WriteStartArray("content"u8);
        json.WriteStartObject();
        json.WriteString("type"u8, "text"u8);
        json.WriteString("text"u8, message);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteBoolean("isError"u8, true);
        EndResult(buffer, modern);
    }
}
