using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Dispatch;
using McpGen.Protocol;
using McpGen.Sessions;

namespace McpGen.Tasks;

/// <summary>
/// <c>tasks/get</c>, <c>tasks/update</c> and <c>tasks/cancel</c> (2026-07-28, Tasks extension), on any replica. Each
/// checks, in order: <c>params.taskId</c> is a string (-32602); <c>Mcp-Name</c> mirrors it (400 + -32020); the request
/// declares the extension (400 + -32021); the task exists for this server and this caller's principal (-32602 "Task not
/// found" otherwise: another user's task id looks like an unknown one).
/// </summary>
internal sealed class McpTaskMethods(McpTaskRuntime runtime, byte[] modernMeta)
{
    public McpTaskRuntime Runtime => runtime;

    public Task HandleAsync(in JsonRpcMessage message, in McpCaller caller, McpResponder responder)
    {
        ReadOnlySpan<byte> rawId = message.Raw(message.Id);
        string method = message.MethodText;
        if (!message.TaskId.IsString)
        {
            return responder.WriteErrorAsync(rawId, new McpError(200, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: {method} needs params.taskId, a string: the taskId of the CreateTaskResult that tools/call returned."));
        }

        if (caller.Headers is { } headers && Http.McpHeaders.ValidateName(headers, message, message.TaskId, "params.taskId") is { } headerError)
        {
            return responder.WriteErrorAsync(rawId, headerError);
        }

        if (!McpTaskWire.IsDeclared(message.MetaClientCapabilities.IsObject ? message.Raw(message.MetaClientCapabilities) : default))
        {
            return responder.WriteErrorAsync(rawId, McpTaskWire.Missing(method));
        }

        string taskId = message.GetString(message.TaskId)!;
        string principal = McpTaskRuntime.PrincipalKeyOf(caller.Http.User);
        byte[] id = rawId.ToArray();
        switch (message.Method)
        {
            case McpMethod.TasksGet:
                return GetAsync(id, taskId, principal, responder);
            case McpMethod.TasksCancel:
                return CancelAsync(id, taskId, principal, responder);
            default:
                if (ReadResponses(message, out Dictionary<string, byte[]>? responses) is { } invalid)
                {
                    return responder.WriteErrorAsync(rawId, invalid);
                }

                return UpdateAsync(id, taskId, principal, responses!, responder);
        }
    }

    private async Task GetAsync(byte[] rawId, string taskId, string principal, McpResponder responder)
    {
        McpTaskRecord? task = await ReadAsync(taskId, principal).ConfigureAwait(false);
        if (Check(task, McpMethods.TasksGet) is { } error)
        {
            await responder.WriteErrorAsync(rawId, error).ConfigureAwait(false);
            return;
        }

        await responder.WriteResultAsync(rawId, Detailed(task!)).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the answers to outstanding input requests into the task (read-your-writes: the next <c>tasks/get</c> no
    /// longer lists them); keys that are not outstanding are ignored. When none is left the task is working again.
    /// The replica running the task is signalled.
    /// </summary>
    private async Task UpdateAsync(byte[] rawId, string taskId, string principal, Dictionary<string, byte[]> responses, McpResponder responder)
    {
        McpTaskRecord? task;
        bool changed = false;
        try
        {
            task = await ReadAsync(taskId, principal).ConfigureAwait(false);
            if (task is not null && !McpTaskStatuses.IsTerminal(task.Status) && responses.Count > 0)
            {
                DateTimeOffset now = runtime.Now;
                (task, changed) = await runtime.UpdateAsync(taskId, t =>
                {
                    if (McpTaskStatuses.IsTerminal(t.Status))
                    {
                        return null;
                    }

                    Dictionary<string, byte[]>? requests = null, answers = null;
                    foreach (KeyValuePair<string, byte[]> response in responses)
                    {
                        if (t.InputRequests.ContainsKey(response.Key))
                        {
                            (requests ??= new Dictionary<string, byte[]>(t.InputRequests, StringComparer.Ordinal)).Remove(response.Key);
                            (answers ??= new Dictionary<string, byte[]>(t.InputResponses, StringComparer.Ordinal))[response.Key] = response.Value;
                        }
                    }

                    if (requests is null)
                    {
                        return null;
                    }

                    return t with
                    {
                        InputRequests = requests,
                        InputResponses = answers!,
                        Status = requests.Count == 0 ? McpTaskStatus.Working : McpTaskStatus.InputRequired,
                        LastUpdatedAt = now,
                    };
                }).ConfigureAwait(false);
            }
        }
        catch (McpStoreUnavailableException ex)
        {
            await responder.WriteErrorAsync(rawId, Unavailable(ex)).ConfigureAwait(false);
            return;
        }

        if (Check(task, McpMethods.TasksUpdate) is { } error)
        {
            await responder.WriteErrorAsync(rawId, error).ConfigureAwait(false);
            return;
        }

        if (changed)
        {
            await runtime.SignalAsync('u', taskId).ConfigureAwait(false);
            await runtime.SignalAsync('s', taskId).ConfigureAwait(false);
        }

        await responder.WriteResultAsync(rawId, Ack()).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels a live task at once (it ends <c>cancelled</c>, and the replica running it cancels the handler's token);
    /// a task that already ended is left as it is. Either way the answer is the empty acknowledgement.
    /// </summary>
    private async Task CancelAsync(byte[] rawId, string taskId, string principal, McpResponder responder)
    {
        McpTaskRecord? task;
        bool changed = false;
        try
        {
            task = await ReadAsync(taskId, principal).ConfigureAwait(false);
            if (task is not null && !McpTaskStatuses.IsTerminal(task.Status))
            {
                DateTimeOffset now = runtime.Now;
                (task, changed) = await runtime.UpdateAsync(taskId, t => McpTaskStatuses.IsTerminal(t.Status) ? null : t with
                {
                    Status = McpTaskStatus.Cancelled,
                    StatusMessage = "Cancelled by the client (tasks/cancel).",
                    InputRequests = McpTaskRecord.Empty,
                    InputResponses = McpTaskRecord.Empty,
                    LeaseOwner = null,
                    LastUpdatedAt = now,
                }).ConfigureAwait(false);
            }
        }
        catch (McpStoreUnavailableException ex)
        {
            await responder.WriteErrorAsync(rawId, Unavailable(ex)).ConfigureAwait(false);
            return;
        }

        if (task is null)
        {
            await responder.WriteErrorAsync(rawId, McpTaskWire.NotFound(McpMethods.TasksCancel)).ConfigureAwait(false);
            return;
        }

        if (changed)
        {
            await runtime.SignalAsync('u', taskId).ConfigureAwait(false);
            await runtime.SignalAsync('s', taskId).ConfigureAwait(false);
        }

        await responder.WriteResultAsync(rawId, Ack()).ConfigureAwait(false);
    }

    /// <summary>
    /// The task as <c>tasks/get</c> would see it (this server, this principal, not expired); <see langword="null"/>
    /// otherwise. Used by <c>subscriptions/listen</c> for the task ids it agrees to and for each notification.
    /// </summary>
    public async ValueTask<McpTaskRecord?> FindLiveAsync(string taskId, string principal)
    {
        McpTaskRecord? task = await ReadAsync(taskId, principal).ConfigureAwait(false);
        return task is not null && task.ExpiresAt >= runtime.Now ? task : null;
    }

    /// <summary>
    /// The <c>notifications/tasks</c> message of a listen stream: its params are the <c>DetailedTask</c>, what
    /// <c>tasks/get</c> returns without <c>resultType</c>, tagged with the stream's subscription id.
    /// </summary>
    public static byte[] StatusNotification(McpTaskRecord task, ReadOnlySpan<byte> subscriptionId)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc"u8, "2.0"u8);
            json.WriteString("method"u8, "notifications/tasks"u8);
            json.WriteStartObject("params"u8);
            McpTaskWire.WriteTask(json, task, detailed: true);
            json.WriteStartObject("_meta"u8);
            json.WritePropertyName("io.modelcontextprotocol/subscriptionId"u8);
            json.WriteRawValue(subscriptionId, skipInputValidation: true);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The task when it exists for this server and principal; <see langword="null"/> otherwise.</summary>
    private async ValueTask<McpTaskRecord?> ReadAsync(string taskId, string principal)
    {
        McpTaskRecord? task = await runtime.Store.GetAsync(taskId, CancellationToken.None).ConfigureAwait(false);
        return task is not null && task.PrincipalKey == principal && task.ServerName == runtime.ServerName ? task : null;
    }

    private McpError? Check(McpTaskRecord? task, string method)
    {
        if (task is null)
        {
            return McpTaskWire.NotFound(method);
        }

        return task.ExpiresAt < runtime.Now ? McpTaskWire.Expired(method) : null;
    }

    private static McpError Unavailable(Exception ex)
        => new(503, JsonRpcErrorCodes.InternalError, "Internal error: the task store cannot be reached (" + ex.Message + "). Try again in a moment.");

    /// <summary>
    /// <c>params.inputResponses</c> of <c>tasks/update</c>: an object whose members are the client's results (objects).
    /// Members that are not objects cannot answer anything and are ignored, like unknown keys.
    /// </summary>
    private static McpError? ReadResponses(in JsonRpcMessage message, out Dictionary<string, byte[]>? responses)
    {
        responses = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (!message.InputResponses.IsObject)
        {
            responses = null;
            return new McpError(200, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: tasks/update needs params.inputResponses, an object mapping keys of the task's inputRequests to the client's results "
                + "(ElicitResult, CreateMessageResult or ListRootsResult).");
        }

        ReadOnlySpan<byte> raw = message.Raw(message.InputResponses);
        var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = JsonRpcMessageReader.MaxDepth });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            bool isObject = reader.TokenType == JsonTokenType.StartObject;
            reader.Skip();
            if (isObject)
            {
                responses[key] = raw[start..(int)reader.BytesConsumed].ToArray();
            }
        }

        return null;
    }

    /// <summary>The <c>tasks/get</c> result: the <c>DetailedTask</c> with <c>resultType: "complete"</c>.</summary>
    private byte[] Detailed(McpTaskRecord task) => Build(json =>
    {
        json.WriteStartObject();
        json.WriteString("resultType"u8, "complete"u8);
        McpTaskWire.WriteTask(json, task, detailed: true);
        json.WritePropertyName("_meta"u8);
        json.WriteRawValue(modernMeta, skipInputValidation: true);
        json.WriteEndObject();
    });

    /// <summary>The <c>tools/call</c> result that creates a task: the flat <c>CreateTaskResult</c>, <c>resultType: "task"</c>.</summary>
    public byte[] Created(McpTaskRecord task) => Build(json =>
    {
        json.WriteStartObject();
        json.WriteString("resultType"u8, "task"u8);
        McpTaskWire.WriteTask(json, task, detailed: false);
        json.WritePropertyName("_meta"u8);
        json.WriteRawValue(modernMeta, skipInputValidation: true);
        json.WriteEndObject();
    });

    /// <summary>The empty acknowledgement of <c>tasks/update</c> and <c>tasks/cancel</c>.</summary>
    private byte[] Ack() => Build(json =>
    {
        json.WriteStartObject();
        json.WriteString("resultType"u8, "complete"u8);
        json.WritePropertyName("_meta"u8);
        json.WriteRawValue(modernMeta, skipInputValidation: true);
        json.WriteEndObject();
    });

    private static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
