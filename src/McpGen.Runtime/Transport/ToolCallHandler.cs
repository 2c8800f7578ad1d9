using System;
using System.Text.Json;
using System.Threading;
using McpGen.Sessions;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Push;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpGen.Transport;

/// <summary>
/// <c>tools/call</c>: validates the call (-32602 for a missing name, an unknown tool or non-object arguments; for 2026-07-28
/// requests, 400 + -32020 when the <c>Mcp-Param-*</c> headers do not mirror the arguments), runs the
/// generated handler against a pooled result buffer, maps exceptions to <c>isError</c> results, and answers with JSON,
/// or with an SSE stream (<see cref="SseRequestStream"/>) once the tool reports progress (when the client sent a progress
/// token), logs a message the client's level lets through, or sends the client a request. A tool that takes the request
/// context may ask the client for input: 2026-07-28 calls get a multi round-trip attempt (<see cref="InputRound"/>,
/// ending with <c>input_required</c> when the tool waits on an unanswered ask); <c>initialize</c>-era calls of a server
/// with sessions get a channel that sends the requests on the call's stream.
/// </summary>
internal sealed class ToolCallHandler(McpServerResults results, JsonSerializerOptions serializerOptions, ClientInputServices clientInput, bool sessions, ILogger logger, IMcpChangeNotifier? changes = null)
{
    private const int MaxToolNameLength = 256;
    private const int MaxListedToolNames = 30;

    /// <summary>How a call ended.</summary>
    private enum Outcome
    {
        /// <summary>The buffer holds the response (a result, or a JSON-RPC error with its status).</summary>
        Answered,

        /// <summary>The client went away: nothing more is sent.</summary>
        Cancelled,

        /// <summary>The attempt ended with <c>input_required</c>; the buffer still belongs to the abandoned handler.</summary>
        InputRequired,
    }

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

        // 2026-07-28: the Mcp-Param-{Name} headers of x-mcp-header arguments must mirror the arguments (400 + -32020).
        if (era.IsModern && tool.Headers.Count > 0 && McpHeaders.ValidateParams(context.Request.Headers, message, tool) is { } headerError)
        {
            return McpResponses.WriteErrorAsync(context, rawId, headerError, logger);
        }

        // One event stream carries progress, log messages and requests to the client, in the order the tool sends them.
        // Only a tool that takes the request context (flagged Logging) can log or ask the client for input.
        bool takesContext = (tool.Features & McpHandlerFeatures.RequestContext) != 0;
        bool progress = (tool.Features & McpHandlerFeatures.Progress) != 0
            && message.ProgressToken.Type is JsonTokenType.String or JsonTokenType.Number;
        McpLogLevel? logThreshold = !takesContext ? null
            : session is { } call ? call.State.LogLevel ?? McpLogLevels.LegacyDefault
            : LogThreshold(message, era);
        bool channel = takesContext && !era.IsModern && sessions;
        SseRequestStream? stream = progress || logThreshold is not null || channel
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
        request.ChangeNotifier = changes;
        request.Session = session?.State;
        if (takesContext && era.IsModern
            && clientInput.BeginModern(context, message, request, McpMethods.ToolsCall, tool.Name) is { } stateError)
        {
            return McpResponses.WriteErrorAsync(context, rawId, stateError, logger);
        }

        if (channel)
        {
            clientInput.BeginLegacy(context, request, stream!, logger);
        }

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
            (Outcome outcome, int status) = await RunAsync(context, tool, request, rawId, arguments, buffer, modern, cancellation).ConfigureAwait(false);
            if (outcome == Outcome.Cancelled)
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

            if (outcome == Outcome.InputRequired)
            {
                // The abandoned handler may still write into its buffer, which is released when the handler ends: the
                // input_required response gets a buffer of its own.
                buffer = ResponseBuffer.Rent();
                clientInput.WriteInputRequired(buffer, rawId.Span, request.InputRound!, results.ModernMeta);
            }

            ReadOnlyMemory<byte> response = buffer.WrittenMemory;
            if (stream is not null && await stream.CompleteAsync(response).ConfigureAwait(false))
            {
                return;
            }

            await McpResponses.WriteJsonAsync(context, status, response.Span).ConfigureAwait(false);
        }
        finally
        {
            // Only a tool that takes McpRequestContext (flagged Logging by the generator) can keep the context past the
            // call, so only then are the id and clientInfo decoded before the body goes back to the pool.
            request.Detach(decode: (tool.Features & McpHandlerFeatures.RequestContext) != 0);
            ResponseBuffer.Return(buffer);
            if (tracked is not null)
            {
                dropped.Dispose(); // waits for a running callback, so the source is not cancelled after it is disposed
                session!.Value.Runtime.Untrack(session.Value.State.Id, rawId.Span, tracked);
            }
        }
    }

    /// <summary>
    /// Runs the tool and leaves the complete response in <paramref name="buffer"/> with its HTTP status, unless the call
    /// was cancelled or ended its attempt with <c>input_required</c>.
    /// </summary>
    private async Task<(Outcome Outcome, int Status)> RunAsync(
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
        var call = new McpHandlerContext(request, services: null, serializerOptions, arguments, buffer.Json, cancellation);
        try
        {
            ValueTask handled = tool.Handler(call);
            if (request.InputRound is { } round && !handled.IsCompleted)
            {
                Task handler = handled.AsTask();
                if (await round.WaitAsync(handler).ConfigureAwait(false))
                {
                    ClientInputServices.ReleaseWhenDone(handler, buffer, logger, "tool", tool.Name);
                    PushLog.InputRequired(logger, "tool", tool.Name, round.AskedCount);
                    return (Outcome.InputRequired, StatusCodes.Status200OK);
                }

                await handler.ConfigureAwait(false);
            }
            else
            {
                await handled.ConfigureAwait(false);
            }

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
            return (Outcome.Cancelled, 0);
        }
        catch (Exception ex) when (modern && ClientInputServices.ToModernError(ex) is { } inputError)
        {
            McpEndpointLog.ToolReportedError(logger, tool.Name, ex.Message);
            buffer.Clear();
            JsonRpcWriter.WriteError(buffer.Json, rawId.Span, inputError);
            return (Outcome.Answered, inputError.HttpStatus);
        }
        catch (Exception ex) when (ex is McpToolException or ArgumentException or InvalidClientInputException)
        {
            McpEndpointLog.ToolReportedError(logger, tool.Name, ex.Message);
            WriteErrorResult(buffer, rawId.Span, ex.Message, modern);
        }
        catch (Exception ex)
        {
            McpEndpointLog.ToolFailed(logger, tool.Name, ex);
            WriteErrorResult(buffer, rawId.Span, $"An error occurred while running tool '{tool.Name}'. The server log has the details.", modern);
        }

        return (Outcome.Answered, StatusCodes.Status200OK);
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
