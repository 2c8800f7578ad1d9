using System;
using System.Text.Json;
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
/// The one invocation path of every handler kind (<see cref="HandlerKind"/>: tools, resources, prompts, completions).
/// It alone builds the request context, makes a session call of an <c>initialize</c>-era request of a session
/// (registered for <c>notifications/cancelled</c>, its events logged for <c>Last-Event-ID</c>), chooses between a JSON
/// response and an event stream (progress when the client sent a token, log messages its level lets through, requests
/// to the client), prepares client input for the era (multi round-trip attempts for 2026-07-28, requests on the call's
/// stream for sessions), runs the handler against a pooled result buffer, maps what it throws to the kind's result or
/// JSON-RPC error, and frames the answer.
/// </summary>
internal sealed class McpInvoker(McpServerResults results, JsonSerializerOptions serializerOptions, ClientInputServices clientInput, IMcpChangeNotifier changes, ILogger logger)
{
    /// <summary>How a call ended.</summary>
    private enum Outcome
    {
        /// <summary>The buffer holds the response (a result, or a JSON-RPC error with its status).</summary>
        Answered,

        /// <summary>The call was cancelled or the client went away: nothing more is sent.</summary>
        Cancelled,

        /// <summary>The attempt ended with <c>input_required</c>; the buffer still belongs to the abandoned handler.</summary>
        InputRequired,
    }

    /// <summary>Serves one request of <paramref name="kind"/>.</summary>
    public Task InvokeAsync(HandlerKind kind, in JsonRpcMessage message, in McpCaller caller, McpResponder responder)
    {
        ReadOnlySpan<byte> rawId = message.Raw(message.Id);
        if (kind.Resolve(message, caller, out HandlerCall call) is { } invalid)
        {
            return responder.WriteErrorAsync(rawId, invalid);
        }

        McpEra era = caller.Era;
        SessionCall? session = caller.Session;

        // One event stream carries progress, log messages and requests to the client, in the order the handler sends
        // them. Only a handler that takes the request context can log or ask the client for input.
        bool takesContext = kind.Streams && (call.Features & McpHandlerFeatures.RequestContext) != 0;
        bool progress = kind.Streams && (call.Features & McpHandlerFeatures.Progress) != 0 && HandlerKind.IsProgressToken(message);
        McpLogLevel? logThreshold = !takesContext ? null
            : session is { } sessionCall ? sessionCall.State.LogLevel ?? McpLogLevels.LegacyDefault
            : LogThreshold(message, era);
        bool channel = takesContext && !era.IsModern && session is not null;
        SseRequestStream? stream = progress || logThreshold is not null || channel
            ? responder.OpenStream(caller.Aborted, progress ? message.Raw(message.ProgressToken) : default, logThreshold,
                session is { } logged && !caller.HttpSse ? logged.Runtime.OpenRequestStream(logged.State) : null)
            : null;

        ReadOnlyMemory<byte> capabilities = session is not null ? caller.SessionCapabilities : default;
        InputRound? round = null;
        IClientRequestChannel? requests = null;
        if (takesContext && era.IsModern)
        {
            if (clientInput.BeginModern(caller.Http.User, message, kind.Method, call.Name, out capabilities, out round) is { } stateError)
            {
                return responder.WriteErrorAsync(rawId, stateError);
            }
        }
        else if (channel)
        {
            requests = clientInput.OpenChannel(stream!, session!.Value.State.Id, logger);
        }

        // A session call ends by notifications/cancelled or with its session; see RunAsync for a dropped connection.
        ReadOnlyMemory<byte> rawIdMemory = message.RawMemory(message.Id);
        CancellationTokenSource? tracked = session is { } tracking ? tracking.Runtime.Calls.Track(tracking.State.Id, rawId) : null;
        CancellationToken aborted = caller.Aborted;
        CancellationToken cancellation = tracked?.Token ?? aborted;
        var request = new McpRequestContext(
            caller.Http,
            era,
            rawIdMemory,
            message.MetaClientInfo.IsObject ? message.RawMemory(message.MetaClientInfo) : default,
            new McpCallServices(session?.State, changes, stream, progress ? stream : null, logThreshold is not null ? stream : null,
                cancellation, capabilities, round, requests, AllowsClientInput: kind.Streams));
        return RunAsync(kind, call, request, rawIdMemory, stream, era, session, tracked, aborted, responder, takesContext);
    }

    /// <summary>
    /// The lowest level sent to the client: for 2026-07-28 the request's <c>_meta["io.modelcontextprotocol/logLevel"]</c>
    /// (absent: no messages at all, as the spec requires); for <c>initialize</c>-era requests without a session the
    /// default, info (that <c>_meta</c> key does not exist before 2026-07-28).
    /// </summary>
    private static McpLogLevel? LogThreshold(in JsonRpcMessage message, McpEra era)
        => era.IsModern ? McpLogLevels.Parse(message, message.MetaLogLevel) : McpLogLevels.LegacyDefault;

    private async Task RunAsync(
        HandlerKind kind,
        HandlerCall call,
        McpRequestContext request,
        ReadOnlyMemory<byte> rawId,
        SseRequestStream? stream,
        McpEra era,
        SessionCall? session,
        CancellationTokenSource? tracked,
        CancellationToken aborted,
        McpResponder responder,
        bool takesContext)
    {
        ResponseBuffer buffer = ResponseBuffer.Rent();

        // A dropped connection is not a cancellation of a session call once the client holds an event id (it may resume
        // the stream), so the handler keeps running and its events are logged. A drop before that is one: the client
        // cannot resume and would never see the result (and it is how clients that send no notifications/cancelled over
        // HTTP, such as ModelContextProtocol.Core 2.3.1, cancel).
        CancellationTokenRegistration dropped = tracked is null || !aborted.CanBeCanceled ? default : aborted.Register(
            static state =>
            {
                (SseRequestStream? s, CancellationTokenSource source) = ((SseRequestStream?, CancellationTokenSource))state!;
                if (s is not { Resumable: true })
                {
                    source.Cancel();
                }
            },
            (stream, tracked));
        try
        {
            CancellationToken cancellation = tracked?.Token ?? aborted;
            (Outcome outcome, int status) = await RunHandlerAsync(kind, call, request, rawId, buffer, era, cancellation).ConfigureAwait(false);
            if (outcome == Outcome.Cancelled)
            {
                if (stream is not null)
                {
                    await stream.CompleteAsync(null).ConfigureAwait(false);
                }

                responder.WriteEmptyEventStream(aborted);
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

            await responder.WriteJsonAsync(status, response.Span).ConfigureAwait(false);
        }
        finally
        {
            // Only a handler that takes McpRequestContext can keep the context past the call, so only then are the id and
            // clientInfo decoded before the body goes back to the pool.
            request.Detach(decode: takesContext);
            ResponseBuffer.Return(buffer);
            if (tracked is not null)
            {
                dropped.Dispose(); // waits for a running callback, so the source is not cancelled after it is disposed
                session!.Value.Runtime.Calls.Untrack(session.Value.State.Id, rawId.Span, tracked);
            }
        }
    }

    /// <summary>
    /// Runs the handler and leaves the complete response in <paramref name="buffer"/> with its HTTP status, unless the call
    /// was cancelled or ended its attempt with <c>input_required</c>.
    /// </summary>
    private async Task<(Outcome Outcome, int Status)> RunHandlerAsync(
        HandlerKind kind,
        HandlerCall call,
        McpRequestContext request,
        ReadOnlyMemory<byte> rawId,
        ResponseBuffer buffer,
        McpEra era,
        CancellationToken cancellation)
    {
        StartResult(buffer, rawId.Span);
        var context = new McpHandlerContext(request, services: null, serializerOptions, call.Arguments, buffer.Json, cancellation);
        McpError? error;
        try
        {
            ValueTask handled = kind.InvokeAsync(context, call);
            if (request.InputRound is { } round && !handled.IsCompleted)
            {
                Task handler = handled.AsTask();
                if (await round.WaitAsync(handler).ConfigureAwait(false))
                {
                    ClientInputServices.ReleaseWhenDone(handler, buffer, logger, kind.Noun, call.Name);
                    PushLog.InputRequired(logger, kind.Noun, call.Name, round.AskedCount);
                    return (Outcome.InputRequired, StatusCodes.Status200OK);
                }

                await handler.ConfigureAwait(false);
            }
            else
            {
                await handled.ConfigureAwait(false);
            }

            error = context.ResultWritten ? null : kind.Complete(context, call);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            McpEndpointLog.HandlerCancelled(logger, kind.Noun, call.Name);
            return (Outcome.Cancelled, 0);
        }
        catch (Exception ex) when (era.IsModern && ClientInputServices.ToModernError(ex) is { } inputError)
        {
            McpEndpointLog.HandlerReportedError(logger, kind.Noun, call.Name, ex.Message);
            error = inputError;
        }
        catch (Exception ex)
        {
            bool reported = HandlerKind.IsReported(ex);
            if (reported)
            {
                McpEndpointLog.HandlerReportedError(logger, kind.Noun, call.Name, ex.Message);
            }
            else
            {
                McpEndpointLog.HandlerFailed(logger, kind.Noun, call.Name, ex);
            }

            if (kind.ErrorsAreResults)
            {
                WriteErrorResult(buffer, rawId.Span, reported ? ex.Message : $"An error occurred while running {kind.Noun} '{call.Name}'. The server log has the details.", era.IsModern);
                return (Outcome.Answered, StatusCodes.Status200OK);
            }

            error = kind.Fail(ex, era, call);
        }

        if (error is not null)
        {
            McpEndpointLog.RequestRejected(logger, error.HttpStatus, error.Code, error.Message);
            buffer.Clear();
            JsonRpcWriter.WriteError(buffer.Json, rawId.Span, error);
            return (Outcome.Answered, error.HttpStatus);
        }

        EndResult(buffer, era.IsModern, kind.Cacheable);
        return (Outcome.Answered, StatusCodes.Status200OK);
    }

    private static void StartResult(ResponseBuffer buffer, ReadOnlySpan<byte> rawId)
    {
        buffer.Clear();
        JsonRpcWriter.WriteResultStart(buffer.Json, rawId);
        buffer.Json.WriteStartObject();
    }

    /// <summary>
    /// Closes the result: modern results carry <c>resultType</c> and the server's <c>_meta</c>, and cacheable kinds
    /// (resources) <c>ttlMs: 0</c> and <c>cacheScope: "private"</c>.
    /// </summary>
    private void EndResult(ResponseBuffer buffer, bool modern, bool cacheable)
    {
        Utf8JsonWriter json = buffer.Json;
        if (modern)
        {
            json.WriteString("resultType"u8, "complete"u8);
            if (cacheable)
            {
                json.WriteNumber("ttlMs"u8, 0);
                json.WriteString("cacheScope"u8, "private"u8);
            }

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
        EndResult(buffer, modern, cacheable: false);
    }
}
