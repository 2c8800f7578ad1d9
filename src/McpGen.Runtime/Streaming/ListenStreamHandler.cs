using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Streaming;

/// <summary>
/// <c>subscriptions/listen</c> (2026-07-28): the POST's SSE response stays open; the first event is
/// <c>notifications/subscriptions/acknowledged</c> with the filter the server agreed to (only what it offers), then the
/// change notifications the filter asked for, each tagged with <c>_meta["io.modelcontextprotocol/subscriptionId"]</c> =
/// the request id. Changes come from the server's <see cref="McpChangeFeed"/> (any replica, through the backplane). On
/// server shutdown the stream ends gracefully with the listen result. Served in every session mode.
/// <para>
/// <c>notifications.taskIds</c> (Tasks extension): the request must declare the extension (400 + -32021); the server
/// agrees to the ids of live tasks of this server and this caller (others are left out of the acknowledgement, as
/// <c>tasks/get</c> would not find them), and sends <c>notifications/tasks</c> with the task's <c>DetailedTask</c> (read
/// from the task store) whenever a replica signals a status change on the task channel (the backplane).
/// </para>
/// </summary>
internal sealed class ListenStreamHandler(McpServerDefinition definition, McpServerResults results, McpChangeFeed feed, ILogger logger, McpGen.Tasks.McpTaskMethods? tasks = null)
{
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public Task HandleAsync(HttpContext context, in JsonRpcMessage message)
    {
        if (!message.Notifications.IsObject)
        {
            return McpResponses.WriteErrorAsync(context, message.Raw(message.Id), new McpError(400, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: subscriptions/listen needs params.notifications, an object naming the notifications to receive "
                + "(toolsListChanged, promptsListChanged, resourcesListChanged: booleans; resourceSubscriptions: resource URIs; taskIds: task ids)."), logger);
        }

        Filter filter;
        try
        {
            filter = ReadFilter(message.Raw(message.Notifications));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return McpResponses.WriteErrorAsync(context, message.Raw(message.Id), new McpError(400, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: params.notifications has a member of the wrong type: the three list flags are booleans, resourceSubscriptions is an array of URI strings and taskIds an array of task id strings."), logger);
        }

        if (filter.TaskIds.Count > 0 && !McpGen.Tasks.McpTaskWire.IsDeclared(message.MetaClientCapabilities.IsObject ? message.Raw(message.MetaClientCapabilities) : default))
        {
            return McpResponses.WriteErrorAsync(context, message.Raw(message.Id), McpGen.Tasks.McpTaskWire.Missing("subscriptions/listen with notifications.taskIds"), logger);
        }

        byte[] rawId = message.Raw(message.Id).ToArray();
        return filter.Uris.Count > 0 && results.Authorizer is { } authorizer && definition.HasAuthorization
            ? AuthorizedListenAsync(context, rawId, filter, authorizer)
            : ListenAsync(context, rawId, filter);
    }

    /// <summary>
    /// Leaves out of the agreed filter every resource URI the caller may not read (as <c>resources/subscribe</c> would
    /// deny it): the acknowledgement lists only what the caller gets, and a denied resource's updates never reach it.
    /// </summary>
    private async Task AuthorizedListenAsync(HttpContext context, byte[] rawId, Filter filter, McpGen.Security.McpHandlerAuthorizer authorizer)
    {
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string uri in filter.Uris)
        {
            if (definition.FindResource(uri) is not { Authorization: { } authorization }
                || await authorizer.AuthorizeAsync(context, authorization).ConfigureAwait(false) == McpGen.Security.McpAccess.Allowed)
            {
                allowed.Add(uri);
            }
            else
            {
                McpGen.Security.McpAuthorizationLog.HandlerDenied(logger, "resource subscription", uri, "left out of subscriptions/listen");
            }
        }

        await ListenAsync(context, rawId, filter with { Uris = allowed }).ConfigureAwait(false);
    }

    private Filter ReadFilter(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
        reader.Read();
        bool tools = false, prompts = false, resources = false;
        var uris = new HashSet<string>(StringComparer.Ordinal);
        var taskIds = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("toolsListChanged"u8))
            {
                reader.Read();
                tools = reader.GetBoolean();
            }
            else if (reader.ValueTextEquals("promptsListChanged"u8))
            {
                reader.Read();
                prompts = reader.GetBoolean();
            }
            else if (reader.ValueTextEquals("resourcesListChanged"u8))
            {
                reader.Read();
                resources = reader.GetBoolean();
            }
            else if (reader.ValueTextEquals("resourceSubscriptions"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("resourceSubscriptions must be an array.");
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    string uri = reader.GetString() ?? throw new JsonException("null URI");
                    if (definition.FindResource(uri) is { Subscribable: true })
                    {
                        uris.Add(uri);
                    }
                }
            }
            else if (reader.ValueTextEquals("taskIds"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("taskIds must be an array.");
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    taskIds.Add(reader.GetString() ?? throw new JsonException("null task id"));
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Agree only to what the server offers (the task ids are checked against the task store in ListenAsync).
        return new Filter(tools && results.HasTools, prompts && results.HasPrompts, resources && results.HasResources, uris, taskIds);
    }

    private async Task ListenAsync(HttpContext context, byte[] rawId, Filter requested)
    {
        var queue = Channel.CreateUnbounded<McpChange>(new UnboundedChannelOptions { SingleReader = true });
        McpGen.Tasks.McpTaskRuntime? runtime = requested.TaskIds.Count > 0 ? tasks?.Runtime : null;
        HashSet<string> requestedTasks = requested.TaskIds;
        Action<string>? onTask = null;
        if (runtime is not null)
        {
            // Registered before the ids are checked: a change between the check and the acknowledgement is not missed.
            onTask = taskId =>
            {
                if (requestedTasks.Contains(taskId))
                {
                    queue.Writer.TryWrite(new McpChange(McpChangeKind.TaskStatus, taskId));
                }
            };
            runtime.StatusChanged += onTask;
        }

        try
        {
            Filter filter = requested with { TaskIds = runtime is null ? [] : await AgreeTasksAsync(runtime, context, requestedTasks).ConfigureAwait(false) };
            await ListenAsync(context, rawId, filter, queue).ConfigureAwait(false);
        }
        finally
        {
            if (onTask is not null)
            {
                runtime!.StatusChanged -= onTask;
            }
        }
    }

    /// <summary>
    /// The requested task ids that name a live task of this server and caller; waits until this replica hears the task
    /// channel, so every status change after the acknowledgement reaches the stream.
    /// </summary>
    private async Task<HashSet<string>> AgreeTasksAsync(McpGen.Tasks.McpTaskRuntime runtime, HttpContext context, HashSet<string> requested)
    {
        await runtime.WaitSubscribedAsync().ConfigureAwait(false);
        string principal = McpGen.Tasks.McpTaskRuntime.PrincipalKeyOf(context.User);
        var agreed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string taskId in requested)
        {
            try
            {
                if (await tasks!.FindLiveAsync(taskId, principal).ConfigureAwait(false) is not null)
                {
                    agreed.Add(taskId);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                McpGen.Tasks.McpTaskLog.StoreFailed(logger, "listen", taskId, ex);
            }
        }

        return agreed;
    }

    /// <summary>
    /// The <c>notifications/tasks</c> of one signalled change: the task as it is now in the store, unless the stream
    /// already sent that version (several signals, one state) or the task is gone.
    /// </summary>
    private async Task<byte[]?> TaskNotificationAsync(string taskId, string principal, byte[] rawId, Dictionary<string, long> sent)
    {
        try
        {
            McpGen.Tasks.McpTaskRecord? task = await tasks!.FindLiveAsync(taskId, principal).ConfigureAwait(false);
            if (task is null || (sent.TryGetValue(taskId, out long version) && version >= task.Version))
            {
                return null;
            }

            sent[taskId] = task.Version;
            return McpGen.Tasks.McpTaskMethods.StatusNotification(task, rawId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The client can still poll tasks/get; the next change sends the state again.
            McpGen.Tasks.McpTaskLog.StoreFailed(logger, "notify", taskId, ex);
            return null;
        }
    }

    private async Task ListenAsync(HttpContext context, byte[] rawId, Filter filter, Channel<McpChange> queue)
    {
        string? principal = filter.TaskIds.Count > 0 ? McpGen.Tasks.McpTaskRuntime.PrincipalKeyOf(context.User) : null;
        var sent = new Dictionary<string, long>(StringComparer.Ordinal);
        using IDisposable registration = await feed.ListenAsync(change =>
        {
            if (filter.Wants(change))
            {
                queue.Writer.TryWrite(change);
            }
        }).ConfigureAwait(false);

        CancellationToken aborted = context.RequestAborted;
        CancellationToken stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        HttpResponse response = context.Response;
        SseFormat.StartResponse(response);
        PipeWriter body = response.BodyWriter;
        McpTelemetry.StreamChanged(1, "listen");
        try
        {
            SseFormat.WriteMessage(body, null, Acknowledgement(rawId, filter));
            await body.FlushAsync(aborted).ConfigureAwait(false);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
            while (!linked.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
                wait.CancelAfter(KeepAliveInterval);
                try
                {
                    await queue.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!linked.IsCancellationRequested)
                {
                    SseFormat.WriteKeepAlive(body);
                    await body.FlushAsync(aborted).ConfigureAwait(false);
                    continue;
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested && !aborted.IsCancellationRequested)
                {
                    break;
                }

                while (queue.Reader.TryRead(out McpChange change))
                {
                    if (change.Kind == McpChangeKind.TaskStatus)
                    {
                        if (filter.TaskIds.Contains(change.Uri!) && await TaskNotificationAsync(change.Uri!, principal!, rawId, sent).ConfigureAwait(false) is { } notification)
                        {
                            SseFormat.WriteMessage(body, null, notification);
                        }

                        continue;
                    }

                    SseFormat.WriteMessage(body, null, Notification(change, rawId));
                }

                await body.FlushAsync(aborted).ConfigureAwait(false);
            }

            if (stopping.IsCancellationRequested && !aborted.IsCancellationRequested)
            {
                // Graceful close: the listen result tells the client the subscription ended on purpose.
                SseFormat.WriteMessage(body, null, Result(rawId));
                await body.FlushAsync(aborted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or ObjectDisposedException)
        {
            McpEndpointLog.StreamAborted(logger, ex);
        }
        finally
        {
            McpTelemetry.StreamChanged(-1, "listen");
        }
    }

    private static byte[] Acknowledgement(byte[] rawId, Filter filter) => Write(json =>
    {
        json.WriteString("method"u8, McpMethods.NotificationsSubscriptionsAcknowledged);
        json.WriteStartObject("params"u8);
        json.WriteStartObject("notifications"u8);
        if (filter.Tools)
        {
            json.WriteBoolean("toolsListChanged"u8, true);
        }

        if (filter.Prompts)
        {
            json.WriteBoolean("promptsListChanged"u8, true);
        }

        if (filter.Resources)
        {
            json.WriteBoolean("resourcesListChanged"u8, true);
        }

        if (filter.Uris.Count > 0)
        {
            json.WriteStartArray("resourceSubscriptions"u8);
            foreach (string uri in filter.Uris)
            {
                json.WriteStringValue(uri);
            }

            json.WriteEndArray();
        }

        if (filter.TaskIds.Count > 0)
        {
            json.WriteStartArray("taskIds"u8);
            foreach (string taskId in filter.TaskIds)
            {
                json.WriteStringValue(taskId);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        WriteSubscriptionMeta(json, rawId);
        json.WriteEndObject();
    });

    private static byte[] Notification(McpChange change, byte[] rawId) => Write(json =>
    {
        json.WriteString("method"u8, change.Kind switch
        {
            McpChangeKind.ToolsListChanged => McpMethods.NotificationsToolsListChanged,
            McpChangeKind.PromptsListChanged => McpMethods.NotificationsPromptsListChanged,
            McpChangeKind.ResourcesListChanged => McpMethods.NotificationsResourcesListChanged,
            _ => McpMethods.NotificationsResourcesUpdated,
        });
        json.WriteStartObject("params"u8);
        if (change.Kind == McpChangeKind.ResourceUpdated)
        {
            json.WriteString("uri"u8, change.Uri);
        }

        WriteSubscriptionMeta(json, rawId);
        json.WriteEndObject();
    });

    private byte[] Result(byte[] rawId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc"u8, "2.0"u8);
            json.WritePropertyName("id"u8);
            json.WriteRawValue(rawId, skipInputValidation: true);
            json.WriteStartObject("result"u8);
            json.WriteString("resultType"u8, "complete"u8);
            json.WriteStartObject("_meta"u8);
            json.WritePropertyName("io.modelcontextprotocol/serverInfo"u8);
            json.WriteRawValue(results.ServerInfo, skipInputValidation: true);
            json.WritePropertyName("io.modelcontextprotocol/subscriptionId"u8);
            json.WriteRawValue(rawId, skipInputValidation: true);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSubscriptionMeta(Utf8JsonWriter json, byte[] rawId)
    {
        json.WriteStartObject("_meta"u8);
        json.WritePropertyName("io.modelcontextprotocol/subscriptionId"u8);
        json.WriteRawValue(rawId, skipInputValidation: true);
        json.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc"u8, "2.0"u8);
            writeMembers(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private sealed record Filter(bool Tools, bool Prompts, bool Resources, HashSet<string> Uris, HashSet<string> TaskIds)
    {
        public bool Wants(McpChange change) => change.Kind switch
        {
            McpChangeKind.ToolsListChanged => Tools,
            McpChangeKind.PromptsListChanged => Prompts,
            McpChangeKind.ResourcesListChanged => Resources,
            McpChangeKind.ResourceUpdated => change.Uri is not null && Uris.Contains(change.Uri),
            _ => false, // task status changes come from the task runtime, not the feed
        };
    }
}
