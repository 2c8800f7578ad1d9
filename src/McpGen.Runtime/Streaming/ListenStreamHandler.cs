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
/// </summary>
internal sealed class ListenStreamHandler(McpServerDefinition definition, McpServerResults results, McpChangeFeed feed, ILogger logger)
{
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public Task HandleAsync(HttpContext context, in JsonRpcMessage message)
    {
        if (!message.Notifications.IsObject)
        {
            return McpResponses.WriteErrorAsync(context, message.Raw(message.Id), new McpError(400, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: subscriptions/listen needs params.notifications, an object naming the notifications to receive "
                + "(toolsListChanged, promptsListChanged, resourcesListChanged: booleans; resourceSubscriptions: resource URIs)."), logger);
        }

        Filter filter;
        try
        {
            filter = ReadFilter(message.Raw(message.Notifications));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return McpResponses.WriteErrorAsync(context, message.Raw(message.Id), new McpError(400, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: params.notifications has a member of the wrong type: the three list flags are booleans and resourceSubscriptions is an array of URI strings."), logger);
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
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Agree only to what the server offers.
        return new Filter(tools && results.HasTools, prompts && results.HasPrompts, resources && results.HasResources, uris);
    }

    private async Task ListenAsync(HttpContext context, byte[] rawId, Filter filter)
    {
        var queue = Channel.CreateUnbounded<McpChange>(new UnboundedChannelOptions { SingleReader = true });
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

    private sealed record Filter(bool Tools, bool Prompts, bool Resources, HashSet<string> Uris)
    {
        public bool Wants(McpChange change) => change.Kind switch
        {
            McpChangeKind.ToolsListChanged => Tools,
            McpChangeKind.PromptsListChanged => Prompts,
            McpChangeKind.ResourcesListChanged => Resources,
            McpChangeKind.ResourceUpdated => change.Uri is not null && Uris.Contains(change.Uri),
            _ => false,
        };
    }
}
