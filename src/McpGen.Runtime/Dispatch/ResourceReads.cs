using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary>
/// <c>resources/read {uri}</c>. A URI that matches no resource, or whose reader throws
/// <see cref="McpResourceNotFoundException"/>: -32002 (initialize era) or -32602 (2026-07-28, SEP-2164), both with
/// <c>data: {uri}</c>. Modern results carry <c>ttlMs: 0</c> and <c>cacheScope: "private"</c>: contents are computed per
/// read by user code and may depend on the caller, so nothing may be cached or shared by default.
/// </summary>
internal sealed class ResourceReads(McpServerDefinition definition) : HandlerKind
{
    public override string Noun => "resource";

    public override string Method => McpMethods.ResourcesRead;

    public override bool Cacheable => true;

    public override McpError? Resolve(in JsonRpcMessage message, in McpCaller caller, out HandlerCall call)
    {
        call = default;
        if (ReadTargetName(message, caller, message.Uri, "params.uri",
            "Invalid params: resources/read needs params.uri, a string: the URI of a resource from resources/list, or one matching a template from resources/templates/list.") is { } uriError)
        {
            return uriError;
        }

        string uri = message.GetString(message.Uri)!;
        if (definition.FindResource(uri) is not { } resource)
        {
            return NotFound(uri, caller.Era, message: null);
        }

        call = new HandlerCall(uri, resource.Features, default, resource, Authorization: resource.Authorization);
        return null;
    }

    public override ValueTask InvokeAsync(McpHandlerContext context, HandlerCall call)
    {
        context.ResourceUri = call.Name;
        return ((McpResourceDefinition)call.Handler).Handler(context);
    }

    public override McpError? Complete(McpHandlerContext context, HandlerCall call)
    {
        if (context.HasArgumentErrors)
        {
            return ArgumentErrors(context, call.Name, "Check the URI against resources/templates/list and try again.");
        }

        context.WriteResourceContents((IEnumerable<ResourceContents?>?)null);
        return null;
    }

    public override McpError Fail(Exception exception, McpEra era, HandlerCall call)
        => exception is McpResourceNotFoundException notFound ? NotFound(notFound.Uri, era, notFound.Message) : base.Fail(exception, era, call);

    /// <summary>The spec's resource-not-found error of the era, with <c>data: {uri}</c>.</summary>
    public static McpError NotFound(string uri, McpEra era, string? message)
        => new(200, era.IsModern ? JsonRpcErrorCodes.InvalidParams : JsonRpcErrorCodes.ResourceNotFound,
            message ?? $"Resource not found: '{uri}'. Call resources/list for the resources this server offers, or resources/templates/list for the URI templates it can read.",
            McpErrorData.ResourceUri, uri);
}
