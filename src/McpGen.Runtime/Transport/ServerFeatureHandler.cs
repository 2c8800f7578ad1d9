using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Push;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpGen.Transport;

/// <summary>
/// The requests besides tools: <c>resources/read</c>, <c>prompts/get</c>, <c>completion/complete</c>, and for
/// <c>initialize</c>-era clients <c>resources/subscribe</c>, <c>resources/unsubscribe</c> and <c>logging/setLevel</c>.
/// Resources, prompts and completions have no <c>isError</c> result: a handler's <see cref="McpToolException"/> or
/// <see cref="ArgumentException"/> becomes a JSON-RPC -32602 carrying its message, any other exception -32603 with a
/// generic message (logged). All JSON-RPC errors here use HTTP 200, like invalid parameters elsewhere, except the
/// client-input errors of 2026-07-28 requests (-32021 and -32602 for <c>requestState</c> or answers, HTTP 400). Readers
/// and renderers may ask the client for input like tools: 2026-07-28 requests get a multi round-trip attempt,
/// <c>initialize</c>-era requests of a server with sessions an SSE response carrying the requests.
/// </summary>
internal sealed class ServerFeatureHandler(McpServerDefinition definition, McpServerResults results, JsonSerializerOptions serializerOptions, ClientInputServices clientInput, ILogger logger)
{
    /// <summary>The most values one <c>completion/complete</c> result may carry (schema: <c>maxItems: 100</c>).</summary>
    public const int MaxCompletionValues = 100;

    /// <summary>How many completion values are counted for <c>total</c>; beyond, <c>total</c> is omitted.</summary>
    private const int MaxCountedCompletionValues = 100_000;

    private const int MaxListedPromptNames = 30;

    private static ReadOnlySpan<byte> EmptyResult => "{}"u8;

    private string? _promptNames;

    private enum Kind
    {
        Resource,
        Prompt,
    }

    /// <summary>
    /// <c>resources/read {uri}</c>. Unknown URI: -32002 (legacy) or -32602 (2026-07-28, SEP-2164), both with <c>data: {uri}</c>.
    /// Modern results carry <c>ttlMs: 0</c> and <c>cacheScope: "private"</c>: contents are computed per read by user
    /// code and may depend on the caller, so nothing may be cached or shared by default.
    /// </summary>
    public Task ReadResourceAsync(HttpContext context, in JsonRpcMessage message, McpEra era)
    {
        ReadOnlySpan<byte> rawId = message.Raw(message.Id);
        if (!message.Uri.IsString)
        {
            return Error(context, rawId, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: resources/read needs params.uri, a string: the URI of a resource from resources/list, or one matching a template from resources/templates/list.");
        }

        string uri = message.GetString(message.Uri)!;
        McpResourceDefinition? resource = definition.FindResource(uri);
        if (resource is null)
        {
            var notFound = new McpError(200, era.IsModern ? JsonRpcErrorCodes.InvalidParams : JsonRpcErrorCodes.ResourceNotFound,
                $"Resource not found: '{uri}'. Call resources/list for the resources this server offers, or resources/templates/list for the URI templates it can read.",
                McpErrorData.ResourceUri, uri);
            return McpResponses.WriteErrorAsync(context, rawId, notFound, logger);
        }

        McpRequestContext request = NewRequest(context, message, era);
        if (BeginClientInput(context, message, era, request, McpMethods.ResourcesRead, uri, out SseRequestStream? stream) is { } inputError)
        {
            return McpResponses.WriteErrorAsync(context, rawId, inputError, logger);
        }

        return RunAsync(context, request, message.RawMemory(message.Id), default, Kind.Resource, uri, resource, null, era.IsModern, stream);
    }

    /// <summary><c>prompts/get {name, arguments?}</c>: -32602 for an unknown prompt, non-object arguments or argument errors.</summary>
    public Task GetPromptAsync(HttpContext context, in JsonRpcMessage message, McpEra era)
    {
        ReadOnlySpan<byte> rawId = message.Raw(message.Id);
        if (!message.Name.IsString)
        {
            return Error(context, rawId, JsonRpcErrorCodes.InvalidParams,
                "Invalid params: prompts/get needs params.name, a string naming one of the prompts from prompts/list.");
        }

        string name = message.GetString(message.Name)!;
        McpPromptDefinition? prompt = definition.FindPrompt(name);
        if (prompt is null)
        {
            string hint = results.Prompts.Count <= MaxListedPromptNames
                ? $" Available prompts: {PromptNames}."
                : " Call prompts/list to see the available prompts.";
            return Error(context, rawId, JsonRpcErrorCodes.InvalidParams, $"Unknown prompt: {name}.{hint}");
        }

        JsonSlice arguments = message.Arguments;
        if (arguments.IsPresent && !arguments.IsNull && !arguments.IsObject)
        {
            return Error(context, rawId, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: params.arguments of prompt '{prompt.Name}' must be a JSON object (argument names to string values), or omitted.");
        }

        McpRequestContext request = NewRequest(context, message, era);
        if (BeginClientInput(context, message, era, request, McpMethods.PromptsGet, prompt.Name, out SseRequestStream? stream) is { } inputError)
        {
            return McpResponses.WriteErrorAsync(context, rawId, inputError, logger);
        }

        return RunAsync(context, request, message.RawMemory(message.Id),
            arguments.IsObject ? message.RawMemory(arguments) : default, Kind.Prompt, prompt.Name, null, prompt, era.IsModern, stream);
    }

    /// <summary>
    /// <c>completion/complete</c>. No completion method for the reference or argument (an unknown prompt or template
    /// included) is not an error: the result has no values. At most <see cref="MaxCompletionValues"/> values are sent,
    /// with <c>total</c> and <c>hasMore</c>.
    /// </summary>
    public Task CompleteAsync(HttpContext context, in JsonRpcMessage message, McpEra era)
    {
        ReadOnlySpan<byte> rawId = message.Raw(message.Id);
        if (ReadCompletionRequest(message, out bool isPrompt, out string? target, out string? argument, out string? value, out Dictionary<string, string>? resolved) is { } invalid)
        {
            return Error(context, rawId, JsonRpcErrorCodes.InvalidParams, invalid);
        }

        McpCompletionHandler? handler = definition.FindCompletion(isPrompt, target!, argument!);
        McpRequestContext request = NewRequest(context, message, era);
        return CompleteCoreAsync(context, request, message.RawMemory(message.Id), handler, value!, resolved, target!, era.IsModern);
    }

    /// <summary>
    /// <c>resources/subscribe</c> and <c>resources/unsubscribe</c> (<c>initialize</c> era only): <c>{}</c> for a
    /// subscribable resource, -32602 otherwise. This stateless endpoint has no session and no GET stream, so it cannot
    /// deliver <c>notifications/resources/updated</c>: the subscription is acknowledged (clients and the conformance
    /// suite expect it) and logged at debug, and nothing is kept. Delivering updates needs a session-aware deployment.
    /// </summary>
    public Task SubscribeAsync(HttpContext context, in JsonRpcMessage message)
    {
        if (ValidateSubscription(message, out string uri) is { } invalid)
        {
            return McpResponses.WriteErrorAsync(context, message.Raw(message.Id), invalid, logger);
        }

        McpEndpointLog.SubscriptionNotKept(logger, message.MethodText, uri);
        return McpResponses.WriteResultAsync(context, message.Raw(message.Id), EmptyResult);
    }

    /// <summary>Checks a <c>resources/(un)subscribe</c> request: a string URI of a subscribable resource (else -32602).</summary>
    public McpError? ValidateSubscription(in JsonRpcMessage message, out string uri)
    {
        string method = message.MethodText;
        uri = "";
        if (!message.Uri.IsString)
        {
            return new McpError(200, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: {method} needs params.uri, a string: the URI of a subscribable resource.");
        }

        uri = message.GetString(message.Uri)!;
        McpResourceDefinition? resource = definition.FindResource(uri);
        if (resource is null)
        {
            return new McpError(200, JsonRpcErrorCodes.InvalidParams,
                $"Resource not found: '{uri}'. Call resources/list or resources/templates/list for the resources this server offers.",
                McpErrorData.ResourceUri, uri);
        }

        if (!resource.Subscribable)
        {
            return new McpError(200, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: resource '{uri}' does not support subscriptions. Read it again with resources/read when you need fresh contents.",
                McpErrorData.ResourceUri, uri);
        }

        return null;
    }

    /// <summary>
    /// <c>logging/setLevel {level}</c> (<c>initialize</c> era only): validates the level and answers <c>{}</c>. A stateless
    /// endpoint keeps no session, so the level cannot persist: every <c>initialize</c>-era request logs at
    /// <see cref="McpLogLevels.LegacyDefault"/> (info) and above; debug messages are dropped.
    /// </summary>
    public Task SetLevelAsync(HttpContext context, in JsonRpcMessage message)
    {
        ReadOnlySpan<byte> rawId = message.Raw(message.Id);
        if (McpLogLevels.Parse(message, message.Level) is not { } level)
        {
            return Error(context, rawId, JsonRpcErrorCodes.InvalidParams,
                $"Invalid params: logging/setLevel needs params.level, one of: {McpLogLevels.Names}.");
        }

        McpEndpointLog.LogLevelNotKept(logger, Encoding.UTF8.GetString(McpLogLevels.Name(level)));
        return McpResponses.WriteResultAsync(context, rawId, EmptyResult);
    }

    private string PromptNames => _promptNames ??= string.Join(", ", System.Linq.Enumerable.Select(definition.Prompts, p => p.Name));

    /// <summary>
    /// Lets the reader or renderer ask for client input: a multi round-trip attempt for 2026-07-28 requests (the error
    /// when <c>requestState</c> or <c>inputResponses</c> is invalid), or for <c>initialize</c>-era requests of a server with
    /// sessions an SSE stream with a request channel.
    /// </summary>
    private McpError? BeginClientInput(HttpContext context, in JsonRpcMessage message, McpEra era, McpRequestContext request, string method, string name,
        out SseRequestStream? stream)
    {
        stream = null;
        if (era.IsModern)
        {
            return clientInput.BeginModern(context, message, request, method, name);
        }

        if (definition.SessionMode != McpSessionMode.Stateless)
        {
            stream = new SseRequestStream(context, default, logThreshold: null, logger);
            clientInput.BeginLegacy(context, request, stream, logger);
        }

        return null;
    }

    private static McpRequestContext NewRequest(HttpContext context, in JsonRpcMessage message, McpEra era)
        => new(context, era.Version, era.IsModern, message.RawMemory(message.Id),
            message.MetaClientInfo.IsObject ? message.RawMemory(message.MetaClientInfo) : default, null);

    private async Task RunAsync(
        HttpContext context,
        McpRequestContext request,
        ReadOnlyMemory<byte> rawId,
        ReadOnlyMemory<byte> arguments,
        Kind kind,
        string name,
        McpResourceDefinition? resource,
        McpPromptDefinition? prompt,
        bool modern,
        SseRequestStream? stream)
    {
        ResponseBuffer buffer = ResponseBuffer.Rent();
        try
        {
            StartResult(buffer, rawId.Span);
            var call = new McpHandlerContext(request, services: null, serializerOptions, arguments, buffer.Json, context.RequestAborted);
            McpError? error = null;
            string kindName = kind == Kind.Resource ? "resource" : "prompt";
            try
            {
                ValueTask handled;
                if (resource is not null)
                {
                    call.ResourceUri = name;
                    handled = resource.Handler(call);
                }
                else
                {
                    handled = prompt!.Handler(call);
                }

                if (request.InputRound is { } round && !handled.IsCompleted)
                {
                    Task handler = handled.AsTask();
                    if (await round.WaitAsync(handler).ConfigureAwait(false))
                    {
                        // The abandoned handler keeps its buffer until it ends; the input_required response gets its own.
                        ClientInputServices.ReleaseWhenDone(handler, buffer, logger, kindName, name);
                        PushLog.InputRequired(logger, kindName, name, round.AskedCount);
                        buffer = ResponseBuffer.Rent();
                        clientInput.WriteInputRequired(buffer, rawId.Span, round, results.ModernMeta);
                        await McpResponses.WriteJsonAsync(context, StatusCodes.Status200OK, buffer.WrittenMemory.Span).ConfigureAwait(false);
                        return;
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
                        error = new McpError(200, JsonRpcErrorCodes.InvalidParams, DescribeArgumentErrors(call, kindName, name));
                    }
                    else if (resource is not null)
                    {
                        call.WriteResourceContents((IEnumerable<ResourceContents?>?)null);
                    }
                    else
                    {
                        call.WritePromptMessages(null);
                    }
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                McpEndpointLog.HandlerCancelled(logger, kindName, name);
                if (stream is not null)
                {
                    await stream.CompleteAsync(null).ConfigureAwait(false);
                }

                return;
            }
            catch (Exception ex) when (modern && ClientInputServices.ToModernError(ex) is { } inputError)
            {
                McpEndpointLog.HandlerReportedError(logger, kindName, name, ex.Message);
                error = inputError;
            }
            catch (Exception ex) when (ex is McpToolException or ArgumentException or InvalidClientInputException)
            {
                McpEndpointLog.HandlerReportedError(logger, kindName, name, ex.Message);
                error = new McpError(200, JsonRpcErrorCodes.InvalidParams, ex.Message);
            }
            catch (Exception ex)
            {
                McpEndpointLog.HandlerFailed(logger, kindName, name, ex);
                error = new McpError(200, JsonRpcErrorCodes.InternalError,
                    $"Internal error: reading {kindName} '{name}' failed. The server log has the details.");
            }

            if (error is not null)
            {
                McpEndpointLog.RequestRejected(logger, error.HttpStatus, error.Code, error.Message);
                buffer.Clear();
                JsonRpcWriter.WriteError(buffer.Json, rawId.Span, error);
            }
            else
            {
                EndResult(buffer, modern, cacheable: resource is not null);
            }

            ReadOnlyMemory<byte> response = buffer.WrittenMemory;
            if (stream is not null && await stream.CompleteAsync(response).ConfigureAwait(false))
            {
                return;
            }

            await McpResponses.WriteJsonAsync(context, error?.HttpStatus ?? StatusCodes.Status200OK, response.Span).ConfigureAwait(false);
        }
        finally
        {
            request.Detach();
            ResponseBuffer.Return(buffer);
        }
    }

    private async Task CompleteCoreAsync(
        HttpContext context,
        McpRequestContext request,
        ReadOnlyMemory<byte> rawId,
        McpCompletionHandler? handler,
        string value,
        Dictionary<string, string>? resolved,
        string target,
        bool modern)
    {
        ResponseBuffer buffer = ResponseBuffer.Rent();
        try
        {
            IEnumerable<string>? values = null;
            if (handler is not null)
            {
                try
                {
                    var completion = new McpCompletionContext(request, (IReadOnlyDictionary<string, string>?)resolved ?? EmptyArguments);
                    values = await handler(completion, value, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
                    McpEndpointLog.HandlerCancelled(logger, "completion", target);
                    return;
                }
                catch (Exception ex) when (ex is McpToolException or ArgumentException)
                {
                    McpEndpointLog.HandlerReportedError(logger, "completion", target, ex.Message);
                    await McpResponses.WriteErrorAsync(context, rawId.Span, new McpError(200, JsonRpcErrorCodes.InvalidParams, ex.Message), logger).ConfigureAwait(false);
                    return;
                }
                catch (Exception ex)
                {
                    McpEndpointLog.HandlerFailed(logger, "completion", target, ex);
                    await McpResponses.WriteErrorAsync(context, rawId.Span, new McpError(200, JsonRpcErrorCodes.InternalError,
                        $"Internal error: completing an argument of '{target}' failed. The server log has the details."), logger).ConfigureAwait(false);
                    return;
                }
            }

            StartResult(buffer, rawId.Span);
            Utf8JsonWriter json = buffer.Json;
            json.WriteStartObject("completion"u8);
            json.WriteStartArray("values"u8);
            int count = 0;
            bool counted = true;
            if (values is not null)
            {
                foreach (string? item in values)
                {
                    if (item is null)
                    {
                        continue;
                    }

                    if (count < MaxCompletionValues)
                    {
                        json.WriteStringValue(item);
                    }
                    else if (count >= MaxCountedCompletionValues)
                    {
                        counted = false;
                        break;
                    }

                    count++;
                }
            }

            json.WriteEndArray();
            if (counted)
            {
                json.WriteNumber("total"u8, count);
            }

            json.WriteBoolean("hasMore"u8, count > MaxCompletionValues);
            json.WriteEndObject();
            EndResult(buffer, modern, cacheable: false);
            await McpResponses.WriteJsonAsync(context, StatusCodes.Status200OK, buffer.WrittenMemory.Span).ConfigureAwait(false);
        }
        finally
        {
            request.Detach();
            ResponseBuffer.Return(buffer);
        }
    }

    private static readonly Dictionary<string, string> EmptyArguments = new(0, StringComparer.Ordinal);

    /// <summary>Reads <c>ref</c>, <c>argument</c> and <c>context.arguments</c>; returns the problem when they are malformed.</summary>
    private static string? ReadCompletionRequest(
        in JsonRpcMessage message,
        out bool isPrompt,
        out string? target,
        out string? argument,
        out string? value,
        out Dictionary<string, string>? resolved)
    {
        isPrompt = false;
        target = argument = value = null;
        resolved = null;
        const string Shape = " completion/complete takes {\"ref\": {\"type\": \"ref/prompt\", \"name\": ...} or {\"type\": \"ref/resource\", \"uri\": ...}, "
            + "\"argument\": {\"name\": ..., \"value\": ...}, \"context\"?: {\"arguments\"?: {name: string value}}}.";
        if (!message.Ref.IsObject)
        {
            return "Invalid params: params.ref must be an object." + Shape;
        }

        string? type = null, name = null, uri = null;
        if (!ReadStringMembers(message, message.Ref, ref type, "type", ref name, "name", ref uri, "uri"))
        {
            return "Invalid params: params.ref members type, name and uri must be strings." + Shape;
        }

        if (type == "ref/prompt")
        {
            isPrompt = true;
            target = name;
        }
        else if (type == "ref/resource")
        {
            target = uri;
        }
        else
        {
            return $"Invalid params: params.ref.type must be \"ref/prompt\" or \"ref/resource\", not {(type is null ? "absent" : $"\"{type}\"")}." + Shape;
        }

        if (target is null)
        {
            return (isPrompt ? "Invalid params: a ref/prompt reference needs name, a string." : "Invalid params: a ref/resource reference needs uri, a string (the URI template).") + Shape;
        }

        string? unused = null;
        if (!message.Argument.IsObject || !ReadStringMembers(message, message.Argument, ref argument, "name", ref value, "value", ref unused, null)
            || argument is null || value is null)
        {
            argument = value = null;
            return "Invalid params: params.argument must be an object with name and value, both strings." + Shape;
        }

        if (message.Context.IsPresent && !message.Context.IsNull)
        {
            if (!message.Context.IsObject || ReadContextArguments(message, message.Context, out resolved) is false)
            {
                return "Invalid params: params.context must be an object whose arguments member maps argument names to string values." + Shape;
            }
        }

        return null;
    }

    /// <summary>Reads up to three string members of an object; <see langword="false"/> when one of them is not a string.</summary>
    private static bool ReadStringMembers(in JsonRpcMessage message, JsonSlice obj, ref string? first, string firstName, ref string? second, string secondName, ref string? third, string? thirdName)
    {
        var reader = new Utf8JsonReader(message.Raw(obj));
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ref string? target = ref first;
            bool known = true;
            if (reader.ValueTextEquals(firstName))
            {
                target = ref first;
            }
            else if (reader.ValueTextEquals(secondName))
            {
                target = ref second;
            }
            else if (thirdName is not null && reader.ValueTextEquals(thirdName))
            {
                target = ref third;
            }
            else
            {
                known = false;
            }

            reader.Read();
            if (!known)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            target = reader.GetString();
        }

        return true;
    }

    private static bool ReadContextArguments(in JsonRpcMessage message, JsonSlice context, out Dictionary<string, string>? arguments)
    {
        arguments = null;
        var reader = new Utf8JsonReader(message.Raw(context));
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isArguments = reader.ValueTextEquals("arguments"u8);
            reader.Read();
            if (!isArguments || reader.TokenType == JsonTokenType.Null)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            arguments = new Dictionary<string, string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                arguments[key] = reader.GetString()!;
            }
        }

        return true;
    }

    private static string DescribeArgumentErrors(McpHandlerContext call, string kind, string name)
    {
        var text = new StringBuilder();
        text.Append("Invalid params: invalid arguments for ").Append(kind).Append(" '").Append(name).Append("':");
        foreach (McpHandlerContext.ArgumentError error in call.ArgumentErrors)
        {
            text.Append("\n- '").Append(error.Name).Append("': ");
            if (error.Received is null)
            {
                text.Append("missing (required ").Append(error.Expected).Append(')');
            }
            else
            {
                text.Append("expected ").Append(error.Expected).Append(", received ").Append(error.Received);
            }
        }

        text.Append(kind == "prompt" ? "\nCall prompts/list for the prompt's arguments and try again." : "\nCheck the URI against resources/templates/list and try again.");
        return text.ToString();
    }

    private Task Error(HttpContext context, ReadOnlySpan<byte> rawId, int code, string message)
        => McpResponses.WriteErrorAsync(context, rawId, new McpError(200, code, message), logger);

    private static void StartResult(ResponseBuffer buffer, ReadOnlySpan<byte> rawId)
    {
        buffer.Clear();
        JsonRpcWriter.WriteResultStart(buffer.Json, rawId);
        buffer.Json.WriteStartObject();
    }

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
}
