using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Http;
using McpGen.Protocol;
using McpGen.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace McpGen.Dispatch;

// tools/call of a task tool (the Tasks extension): the same handler, the same context, the same exception mapping, with
// the call outliving its request.
// - The handler starts on the request, as any 2026-07-28 call. Asks answered by this request's inputResponses (or the
//   requestState of earlier rounds) complete at once; an unanswered ask made during the handler's synchronous start
//   (before its first await that does not complete at once) ends the call with input_required: an ordinary MRTR
//   round, no task (InputRound.ArmEscalation/EndSynchronousStart).
// - Otherwise, once the handler yields, the call becomes a task: its asks from then on are the task's inputRequests
//   (answered through tasks/update), the task is created in the store, and only then is the CreateTaskResult sent.
// - The handler runs on with a detached HttpContext (the caller's User, a service scope of its own) and the task's
//   cancellation; its outcome ends the task: a result (isError ones included) completed, a JSON-RPC error failed, a
//   cancellation cancelled.
internal sealed partial class McpInvoker
{
    /// <summary>
    /// Routes a call of a task tool: <see langword="null"/> when it runs as an ordinary call (an Optional tool without
    /// the extension declared), else the task (or the error: a Required tool without the extension, or from an
    /// <c>initialize</c>-era client).
    /// </summary>
    private Task? TryInvokeAsTask(HandlerKind kind, in JsonRpcMessage message, in McpCaller caller, McpResponder responder, in HandlerCall call, McpToolDefinition tool)
    {
        ReadOnlySpan<byte> rawId = message.Raw(message.Id);
        if (!caller.Era.IsModern)
        {
            return tool.TaskSupport != McpTaskSupport.Required ? null : responder.WriteErrorAsync(rawId, new McpError(200, JsonRpcErrorCodes.MethodNotFound,
                $"Tool '{tool.Name}' runs only as a task (the Tasks extension of protocol version 2026-07-28), and protocol version {caller.Era.Version} "
                + "has no tasks here. Call it from a 2026-07-28 client that declares io.modelcontextprotocol/tasks in its client capabilities."));
        }

        bool declared = message.MetaClientCapabilities.IsObject && McpTaskWire.IsDeclared(message.Raw(message.MetaClientCapabilities));
        if (!declared || tasks is null)
        {
            return tool.TaskSupport != McpTaskSupport.Required ? null : responder.WriteErrorAsync(rawId, McpTaskWire.Missing($"tool '{tool.Name}'"));
        }

        bool takesContext = (call.Features & McpHandlerFeatures.RequestContext) != 0;
        ReadOnlyMemory<byte> capabilities = message.Raw(message.MetaClientCapabilities).ToArray();
        InputRound? round = null;
        if (takesContext && clientInput.BeginModern(caller.Http.User, message, kind.Method, call.Name, out capabilities, out round) is { } stateError)
        {
            return responder.WriteErrorAsync(rawId, stateError);
        }

        // The request body goes back to its pool when the request ends; the task keeps copies.
        HandlerCall copy = call with { Arguments = call.Arguments.ToArray() };
        byte[] id = rawId.ToArray();
        ReadOnlyMemory<byte> clientInfo = message.MetaClientInfo.IsObject ? message.Raw(message.MetaClientInfo).ToArray() : default;
        return RunAsTaskAsync(kind, copy, tool, tasks, id, capabilities, clientInfo, round, caller.Http, caller.Era, responder);
    }

    private async Task RunAsTaskAsync(
        HandlerKind kind,
        HandlerCall call,
        McpToolDefinition tool,
        McpTaskMethods methods,
        byte[] rawId,
        ReadOnlyMemory<byte> capabilities,
        ReadOnlyMemory<byte> clientInfo,
        InputRound? round,
        HttpContext http,
        McpEra era,
        McpResponder responder)
    {
        McpTaskRuntime runtime = methods.Runtime;
        await runtime.WaitSubscribedAsync().ConfigureAwait(false);
        McpTaskRuntime.RunningTask running = runtime.Prepare(tool, McpTaskRuntime.PrincipalKeyOf(http.User), call.Arguments, capabilities);

        // The task outlives the request: the handler gets the caller's principal and a service scope of its own.
        IServiceScope scope = http.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateScope();
        var detached = new DefaultHttpContext { User = http.User, RequestServices = scope.ServiceProvider, TraceIdentifier = http.TraceIdentifier };
        var request = new McpRequestContext(detached, era, rawId, clientInfo,
            new McpCallServices(null, changes, null, running, null, running.Cancellation, capabilities, round, null, AllowsClientInput: true));
        ResponseBuffer buffer = ResponseBuffer.Rent();
        StartResult(buffer, rawId);
        var context = new McpHandlerContext(request, services: null, serializerOptions, call.Arguments, buffer.Json, running.Cancellation);
        Task handler;
        round?.ArmEscalation(running);
        try
        {
            ValueTask handled = kind.InvokeAsync(context, call);
            if (handled.IsCompleted)
            {
                handled.GetAwaiter().GetResult();
                handler = Task.CompletedTask;
            }
            else
            {
                handler = handled.AsTask();
            }
        }
        catch (Exception ex)
        {
            handler = Task.FromException(ex);
        }

        if (round is not null && !round.EndSynchronousStart() && !handler.IsCompleted)
        {
            // The handler waits for input this request did not carry: an ordinary multi round-trip round, no task yet.
            if (await round.WaitAsync(handler).ConfigureAwait(false))
            {
                runtime.Forget(running);
                ClientInputServices.ReleaseWhenDone(handler, buffer, logger, kind.Noun, call.Name);
                _ = handler.ContinueWith(static (_, s) => ((IServiceScope)s!).Dispose(), scope, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                PushLog.InputRequired(logger, kind.Noun, call.Name, round.AskedCount);
                ResponseBuffer response = InputRequiredResponse(request, rawId);
                try
                {
                    await responder.WriteJsonAsync(StatusCodes.Status200OK, response.WrittenMemory.Span).ConfigureAwait(false);
                }
                finally
                {
                    ResponseBuffer.Return(response);
                }

                return;
            }
        }

        if (await runtime.CreateAsync(running).ConfigureAwait(false) is { } createError)
        {
            running.CancelHandler();
            _ = EndAbandonedAsync(handler, buffer, scope);
            await responder.WriteErrorAsync(rawId, createError).ConfigureAwait(false);
            return;
        }

        _ = FinishTaskAsync(kind, call, running, runtime, context, request, handler, buffer, scope, rawId, era);
        await responder.WriteResultAsync(rawId, methods.Created(running.Seed)).ConfigureAwait(false);
    }

    /// <summary>Lets a handler whose task was never created end, then releases what it used.</summary>
    private static async Task EndAbandonedAsync(Task handler, ResponseBuffer buffer, IServiceScope scope)
    {
        try
        {
            await handler.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // cancelled: nobody waits for this outcome
        }
        finally
        {
            ResponseBuffer.Return(buffer);
            scope.Dispose();
        }
    }

    /// <summary>Waits for the handler and ends the task with its outcome, mapped as the ordinary call would be.</summary>
    private async Task FinishTaskAsync(
        HandlerKind kind,
        HandlerCall call,
        McpTaskRuntime.RunningTask running,
        McpTaskRuntime runtime,
        McpHandlerContext context,
        McpRequestContext request,
        Task handler,
        ResponseBuffer buffer,
        IServiceScope scope,
        byte[] rawId,
        McpEra era)
    {
        McpTaskStatus status;
        ReadOnlyMemory<byte> result = default, error = default;
        string? statusMessage = null;
        try
        {
            (Outcome Outcome, int Status) outcome;
            try
            {
                await handler.ConfigureAwait(false);
                outcome = Finish(kind, call, context, rawId, buffer, era);
            }
            catch (McpJsonRpcException protocol)
            {
                McpEndpointLog.HandlerReportedError(logger, kind.Noun, call.Name, protocol.Message);
                error = McpTaskWire.ErrorObject(protocol.Code, protocol.Message);
                statusMessage = protocol.Message;
                outcome = (Outcome.Answered, 0);
            }
            catch (Exception ex) when (ClientInputServices.ToModernError(ex) is { } inputError)
            {
                McpEndpointLog.HandlerReportedError(logger, kind.Noun, call.Name, ex.Message);
                error = McpTaskWire.ErrorObject(inputError.Code, inputError.Message);
                statusMessage = inputError.Message;
                outcome = (Outcome.Answered, 0);
            }
            catch (Exception ex)
            {
                outcome = Fault(ex, kind, call, rawId, buffer, era, running.Cancellation);
            }

            if (!error.IsEmpty)
            {
                status = McpTaskStatus.Failed;
            }
            else if (outcome.Outcome == Outcome.Cancelled)
            {
                status = McpTaskStatus.Cancelled;
            }
            else
            {
                (status, result, error) = ReadOutcome(buffer.WrittenMemory.Span);
            }
        }
        finally
        {
            request.Detach(decode: true);
            scope.Dispose();
        }

        ResponseBuffer.Return(buffer);
        await runtime.FinishAsync(running, status, result, error, statusMessage).ConfigureAwait(false);
    }

    /// <summary>The task's end from the response the invoker wrote: its <c>result</c> (completed) or its <c>error</c> (failed).</summary>
    private static (McpTaskStatus Status, ReadOnlyMemory<byte> Result, ReadOnlyMemory<byte> Error) ReadOutcome(ReadOnlySpan<byte> response)
    {
        var reader = new Utf8JsonReader(response, new JsonReaderOptions { MaxDepth = JsonRpcMessageReader.MaxDepth });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isResult = reader.ValueTextEquals("result"u8);
            bool isError = !isResult && reader.ValueTextEquals("error"u8);
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (isResult || isError)
            {
                byte[] value = response[start..(int)reader.BytesConsumed].ToArray();
                return isResult ? (McpTaskStatus.Completed, value, default) : (McpTaskStatus.Failed, default, value);
            }
        }

        return (McpTaskStatus.Failed, default, McpTaskWire.ErrorObject(JsonRpcErrorCodes.InternalError, "Internal error: the tool wrote no result."));
    }
}
