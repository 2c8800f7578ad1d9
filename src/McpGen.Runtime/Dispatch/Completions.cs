using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary>
/// <c>completion/complete</c>. No completion method for the reference or argument (an unknown prompt or template
/// included) is not an error: the result has no values. At most <see cref="MaxCompletionValues"/> values are sent, with
/// <c>total</c> and <c>hasMore</c>. Answers are always plain JSON, and a completion cannot ask the client for input.
/// </summary>
internal sealed class Completions(McpServerDefinition definition) : HandlerKind
{
    /// <summary>The most values one <c>completion/complete</c> result may carry (schema: <c>maxItems: 100</c>).</summary>
    public const int MaxCompletionValues = McpHandlerContext.MaxCompletionValues;

    private static readonly McpCompletionHandler NoCompletion = static (_, _, _) => new(Array.Empty<string>());

    public override string Noun => "completion";

    public override string Method => McpMethods.CompletionComplete;

    public override bool Streams => false;

    public override McpError? Resolve(in JsonRpcMessage message, in McpCaller caller, out HandlerCall call)
    {
        call = default;
        if (ReadCompletionRequest(message, out bool isPrompt, out string? target, out string? argument, out string? value, out Dictionary<string, string>? resolved) is { } invalid)
        {
            return InvalidParams(invalid);
        }

        McpCompletionHandler handler = definition.FindCompletion(isPrompt, target!, argument!) ?? NoCompletion;
        call = new HandlerCall(target!, McpHandlerFeatures.None, default, handler, new Request(value!, (IReadOnlyDictionary<string, string>?)resolved ?? EmptyArguments),
            definition.HasAuthorization ? TargetAuthorization(isPrompt, target!) : null);
        return null;
    }

    /// <summary>A completion serves its prompt or template: whoever may not use the target may not complete its arguments.</summary>
    private McpAuthorization? TargetAuthorization(bool isPrompt, string target)
    {
        if (isPrompt)
        {
            return definition.FindPrompt(target)?.Authorization;
        }

        foreach (McpResourceDefinition resource in definition.Resources)
        {
            if (resource.IsTemplate && string.Equals(resource.UriOrTemplate, target, StringComparison.Ordinal))
            {
                return resource.Authorization;
            }
        }

        return null;
    }

    public override async ValueTask InvokeAsync(McpHandlerContext context, HandlerCall call)
    {
        var request = (Request)call.State!;
        var completion = new McpCompletionContext(context.Request, request.Resolved);
        IEnumerable<string>? values = await ((McpCompletionHandler)call.Handler)(completion, request.Value, context.CancellationToken).ConfigureAwait(false);
        context.WriteCompletion(values);
    }

    public override McpError? Complete(McpHandlerContext context, HandlerCall call)
    {
        context.WriteCompletion(null);
        return null;
    }

    /// <summary>The partial value and the arguments the client already resolved.</summary>
    private sealed record Request(string Value, IReadOnlyDictionary<string, string> Resolved);

    private static readonly IReadOnlyDictionary<string, string> EmptyArguments = new Dictionary<string, string>(0, StringComparer.Ordinal);

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
        var reader = new Utf8JsonReader(message.Raw(obj), JsonRpcMessageReader.SliceOptions);
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
        var reader = new Utf8JsonReader(message.Raw(context), JsonRpcMessageReader.SliceOptions);
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

}
