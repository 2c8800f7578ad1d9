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
using McpGen.Security;

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
internal sealed partial class McpInvoker(
    McpServerResults results, JsonSerializerOptions serializerOptions, ClientInputServices clientInput, IMcpChangeNotifier changes, ILogger logger, McpGen.Tasks.McpTaskMethods? tasks = null)
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

        if (call.Authorization is { } authorization && results.Authorizer is { } authorizer)
        {
            return AuthorizeThenInvokeAsync(authorizer, authorization, kind, message, caller, responder, call);
        }

        return Invoke(kind, message, caller, responder, call);
    }

    /// <summary>
    /// A handler with <see cref="McpAuthorization"/> runs only for a caller its policies, roles and scopes allow; the
    /// others get 401 or 403 (<see cref="McpAuthorizationResponses"/>). Handlers without it never come here.
    /// </summary>
    private async Task AuthorizeThenInvokeAsync(
        McpHandlerAuthorizer authorizer, McpAuthorization authorization, HandlerKind kind, JsonRpcMessage message, McpCaller caller, McpResponder responder, HandlerCall call)
    {
        McpAccess access = await authorizer.AuthorizeAsync(caller.Http, authorization).ConfigureAwait(false);
        if (access != McpAccess.Allowed)
        {
            McpAuthorizationLog.HandlerDenied(logger, kind.Noun, call.Name, access.ToString());
            await McpAuthorizationResponses.WriteDeniedAsync(access, kind.Noun, call.Name, authorization, caller.Http, responder, message.RawMemory(message.Id)).ConfigureAwait(false);
            return;
        }

        await Invoke(kind, message, caller, responder, call).ConfigureAwait(false);
    }

    /// <summary>Serves a request whose handler was found (and, where it has authorization, allowed).</summary>
    private Task Invoke(HandlerKind kind, in JsonRpcMessage message, in McpCaller caller, McpResponder responder, in HandlerCall call)
    {
        if (call.Handler is McpToolDefinition { TaskSupport: not McpTaskSupport.Forbidden } taskTool
            && TryInvokeAsTask(kind, message, caller, responder, call, taskTool) is { } task)
        {
            return task; // McpInvoker.Tasks.cs
        }

        ReadOnlySpan<byte> rawId = message.Raw(message.Id);
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
                session is { } logged && !caller.HttpSse ? logged.Runtime.OpenRequestStream(logged.State, message.RawMemory(message.Id)) : null)
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

    private Task RunAsync(
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
        if (stream is not null || tracked is not null)
        {
            return RunStreamedAsync(kind, call, request, rawId, stream, era, session, tracked, aborted, responder, takesContext);
        }

        // No stream and no session call (every stateless call of a tool that sends nothing but its result): when the
        // handler completes synchronously, the response is copied to the responder and the call ends without an async
        // state machine. The responder copies the bytes before it returns, so the buffer can go back at once.
        ResponseBuffer buffer = ResponseBuffer.Rent();
        ValueTask<(Outcome Outcome, int Status)> run;
        try
        {
            run = RunHandlerAsync(kind, call, request, rawId, buffer, era, aborted);
        }
        catch (Exception ex)
        {
            request.Detach(decode: takesContext);
            ResponseBuffer.Return(buffer);
            return Task.FromException(ex);
        }

        if (!run.IsCompletedSuccessfully)
        {
            return RunPendingAsync(run, request, rawId, buffer, aborted, responder, takesContext);
        }

        (Outcome outcome, int status) = run.Result;
        if (outcome == Outcome.InputRequired)
        {
            buffer = InputRequiredResponse(request, rawId);
        }

        try
        {
            if (outcome == Outcome.Cancelled)
            {
                responder.WriteEmptyEventStream(aborted);
                return Task.CompletedTask;
            }

            return responder.WriteJsonAsync(status, buffer.WrittenMemory.Span);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
        finally
        {
            request.Detach(decode: takesContext);
            ResponseBuffer.Return(buffer);
        }
    }

    /// <summary>
    /// The <c>input_required</c> response of an attempt whose handler was abandoned, in a buffer of its own: the abandoned
    /// handler may still write into the one it was given, which is released when the handler ends.
    /// </summary>
    private ResponseBuffer InputRequiredResponse(McpRequestContext request, ReadOnlyMemory<byte> rawId)
    {
        ResponseBuffer response = ResponseBuffer.Rent();
        clientInput.WriteInputRequired(response, rawId.Span, request.InputRound!, results.ModernMeta);
        return response;
    }

    /// <summary>The rest of a call without stream or session whose handler did not complete synchronously.</summary>
    private async Task RunPendingAsync(
        ValueTask<(Outcome Outcome, int Status)> run,
        McpRequestContext request,
        ReadOnlyMemory<byte> rawId,
        ResponseBuffer buffer,
        CancellationToken aborted,
        McpResponder responder,
        bool takesContext)
    {
        try
        {
            (Outcome outcome, int status) = await run.ConfigureAwait(false);
            if (outcome == Outcome.Cancelled)
            {
                responder.WriteEmptyEventStream(aborted);
                return;
            }

            if (outcome == Outcome.InputRequired)
            {
                buffer = InputRequiredResponse(request, rawId);
            }

            await responder.WriteJsonAsync(status, buffer.WrittenMemory.Span).ConfigureAwait(false);
        }
        finally
        {
            request.Detach(decode: takesContext);
            ResponseBuffer.Return(buffer);
        }
    }

    /// <summary>A call with an event stream or a session call (tracked for <c>notifications/cancelled</c>).</summary>
    private async Task RunStreamedAsync(
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
                    if (stream.SessionLog is { } cancelledLog)
                    {
                        await cancelledLog.EndUnansweredAsync().ConfigureAwait(false); // a resumed stream ends too, without an answer
                    }
                }

                responder.WriteEmptyEventStream(aborted);
                return;
            }

            if (outcome == Outcome.InputRequired)
            {
                buffer = InputRequiredResponse(request, rawId);
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
            stream?.SessionLog?.End();
            if (tracked is not null)
            {
                dropped.Dispose(); // waits for a running callback, so the source is not cancelled after it is disposed
                session!.Value.Runtime.Calls.Untrack(session.Value.State.Id, rawId.Span, tracked);
            }
        }
    }

    /// <summary>
    /// Runs the handler and leaves the complete response in <paramref name="buffer"/> with its HTTP status, unless the call
    /// was cancelled or ended its attempt with <c>input_required</c>. Completes synchronously (no state machine, no
    /// allocation) when the handler does.
    /// </summary>
    private ValueTask<(Outcome Outcome, int Status)> RunHandlerAsync(
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
        ValueTask handled;
        try
        {
            handled = kind.InvokeAsync(context, call);
            if (handled.IsCompletedSuccessfully)
            {
                handled.GetAwaiter().GetResult(); // ends a ValueTask backed by a reusable source
                return new(Finish(kind, call, context, rawId.Span, buffer, era));
            }
        }
        catch (Exception ex)
        {
            return new(Fault(ex, kind, call, rawId.Span, buffer, era, cancellation));
        }

        return AwaitHandlerAsync(handled, kind, call, request, context, rawId, buffer, era, cancellation);
    }

    private async ValueTask<(Outcome Outcome, int Status)> AwaitHandlerAsync(
        ValueTask handled,
        HandlerKind kind,
        HandlerCall call,
        McpRequestContext request,
        McpHandlerContext context,
        ReadOnlyMemory<byte> rawId,
        ResponseBuffer buffer,
        McpEra era,
        CancellationToken cancellation)
    {
        try
        {
            if (request.InputRound is { } round && !handled.IsCompleted)
            {
                Task handler = handled.AsTask();
                if (await round.WaitAsync(handler).ConfigureAwait(false))
                {
                    ClientInputServices.ReleaseWhenDone(handler, buffer, logger, kind.Noun, call.Name);
                    PushLog.InputRequired(logger, kind.Noun, call.Name, round.AskedCount);
                    McpGen.Diagnostics.McpOperation.Event("mcp.input_required", kind.Method, round.AskedCount);
                    return (Outcome.InputRequired, StatusCodes.Status200OK);
                }

                await handler.ConfigureAwait(false);
            }
            else
            {
                await handled.ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            return Fault(ex, kind, call, rawId.Span, buffer, era, cancellation);
        }

        return Finish(kind, call, context, rawId.Span, buffer, era);
    }

    /// <summary>Ends a call whose handler returned: its result, the kind's completion, or the error it reported.</summary>
    private (Outcome Outcome, int Status) Finish(
        HandlerKind kind, HandlerCall call, McpHandlerContext context, ReadOnlySpan<byte> rawId, ResponseBuffer buffer, McpEra era)
    {
        McpError? error;
        try
        {
            error = context.ResultWritten ? null : kind.Complete(context, call);
        }
        catch (Exception ex)
        {
            return Fault(ex, kind, call, rawId, buffer, era, context.CancellationToken);
        }

        if (error is not null)
        {
            return Answer(error, rawId, buffer);
        }

        EndResult(buffer, era.IsModern, kind.Cacheable);
        return (Outcome.Answered, StatusCodes.Status200OK);
    }

    /// <summary>
    /// Maps what a handler threw: a cancellation of the call ends it without an answer; for 2026-07-28, client input
    /// errors become their JSON-RPC errors; the rest becomes the kind's error (an <c>isError</c> result for tools).
    /// </summary>
    private (Outcome Outcome, int Status) Fault(
        Exception ex, HandlerKind kind, HandlerCall call, ReadOnlySpan<byte> rawId, ResponseBuffer buffer, McpEra era, CancellationToken cancellation)
    {
        if (ex is OperationCanceledException && cancellation.IsCancellationRequested)
        {
            McpEndpointLog.HandlerCancelled(logger, kind.Noun, call.Name);
            return (Outcome.Cancelled, 0);
        }

        if (era.IsModern && ClientInputServices.ToModernError(ex) is { } inputError)
        {
            McpEndpointLog.HandlerReportedError(logger, kind.Noun, call.Name, ex.Message);
            return Answer(inputError, rawId, buffer);
        }

        if (ex is McpJsonRpcException protocol)
        {
            McpEndpointLog.HandlerReportedError(logger, kind.Noun, call.Name, ex.Message);
            return Answer(new McpError(200, protocol.Code, protocol.Message), rawId, buffer);
        }

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
            McpGen.Diagnostics.McpOperation.ToolError(ex);
            WriteErrorResult(buffer, rawId, reported ? ex.Message : $"An error occurred while running {kind.Noun} '{call.Name}'. The server log has the details.", era.IsModern);
            return (Outcome.Answered, StatusCodes.Status200OK);
        }

        return Answer(kind.Fail(ex, era, call), rawId, buffer);
    }

    /// <summary>Replaces whatever the handler wrote with a JSON-RPC error.</summary>
    private (Outcome Outcome, int Status) Answer(McpError error, ReadOnlySpan<byte> rawId, ResponseBuffer buffer)
    {
        McpEndpointLog.RequestRejected(logger, error.HttpStatus, error.Code, error.Message);
        McpGen.Diagnostics.McpOperation.JsonRpcError(error);
        buffer.Clear();
        JsonRpcWriter.WriteError(buffer.Json, rawId, error);
        return (Outcome.Answered, error.HttpStatus);
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
