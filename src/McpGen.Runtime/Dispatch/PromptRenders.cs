using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary><c>prompts/get {name, arguments?}</c>: -32602 for an unknown prompt, non-object arguments or argument errors.</summary>
internal sealed class PromptRenders(McpServerDefinition definition) : HandlerKind
{
    private const int MaxListedPromptNames = 30;

    private string? _promptNames;

    public override string Noun => "prompt";

    public override string Method => McpMethods.PromptsGet;

    private string PromptNames => _promptNames ??= string.Join(", ", definition.Prompts.Select(p => p.Name));

    public override McpError? Resolve(in JsonRpcMessage message, in McpCaller caller, out HandlerCall call)
    {
        call = default;
        if (ReadTargetName(message, caller, message.Name, "params.name",
            "Invalid params: prompts/get needs params.name, a string naming one of the prompts from prompts/list.") is { } nameError)
        {
            return nameError;
        }

        string name = message.GetString(message.Name)!;
        if (definition.FindPrompt(name) is not { } prompt)
        {
            string hint = definition.Prompts.Count <= MaxListedPromptNames
                ? $" Available prompts: {PromptNames}."
                : " Call prompts/list to see the available prompts.";
            return InvalidParams($"Unknown prompt: {name}.{hint}");
        }

        if (!ArgumentsAreValid(message))
        {
            return InvalidParams($"Invalid params: params.arguments of prompt '{prompt.Name}' must be a JSON object (argument names to string values), or omitted.");
        }

        call = new HandlerCall(prompt.Name, prompt.Features, ArgumentsOf(message), prompt, Authorization: prompt.Authorization);
        return null;
    }

    public override ValueTask InvokeAsync(McpHandlerContext context, HandlerCall call) => ((McpPromptDefinition)call.Handler).Handler(context);

    public override McpError? Complete(McpHandlerContext context, HandlerCall call)
    {
        if (context.HasArgumentErrors)
        {
            return ArgumentErrors(context, call.Name, "Call prompts/list for the prompt's arguments and try again.");
        }

        context.WritePromptMessages((IEnumerable<PromptMessage?>?)null);
        return null;
    }
}
