using System;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary>
/// <c>tools/call</c>: -32602 for a missing name, an unknown tool or non-object arguments; for 2026-07-28 requests, 400 +
/// -32020 when <c>Mcp-Name</c> or the <c>Mcp-Param-*</c> headers do not mirror the body. A tool's errors are results
/// (<c>isError: true</c>), argument binding errors included.
/// </summary>
internal sealed class ToolCalls(McpServerResults results) : HandlerKind
{
    private const int MaxToolNameLength = 256;
    private const int MaxListedToolNames = 30;

    public override string Noun => "tool";

    public override string Method => McpMethods.ToolsCall;

    public override bool ErrorsAreResults => true;

    public override McpError? Resolve(in JsonRpcMessage message, in McpCaller caller, out HandlerCall call)
    {
        call = default;
        if (ReadTargetName(message, caller, message.Name, "params.name",
            "Invalid params: tools/call needs params.name, a string naming one of the tools from tools/list.") is { } nameError)
        {
            return nameError;
        }

        Span<char> name = stackalloc char[MaxToolNameLength];
        int length = message.CopyString(message.Name, name);
        McpToolDefinition? tool = length < 0 ? null : results.FindTool(name[..length]);
        if (tool is null)
        {
            string hint = results.ToolCount <= MaxListedToolNames
                ? $" Available tools: {results.ToolNames}."
                : " Call tools/list to see the available tools.";
            return InvalidParams($"Unknown tool: {message.GetString(message.Name)}.{hint}");
        }

        if (!ArgumentsAreValid(message))
        {
            return InvalidParams($"Invalid params: params.arguments of tool '{tool.Name}' must be a JSON object (argument names to values), or omitted.");
        }

        // 2026-07-28: the Mcp-Param-{Name} headers of x-mcp-header arguments must mirror the arguments (400 + -32020).
        if (caller.Era.IsModern && tool.Headers.Count > 0 && caller.Headers is { } paramHeaders
            && McpHeaders.ValidateParams(paramHeaders, message, tool) is { } headerError)
        {
            return headerError;
        }

        call = new HandlerCall(tool.Name, tool.Features, ArgumentsOf(message), tool, Authorization: tool.Authorization);
        return null;
    }

    public override ValueTask InvokeAsync(McpHandlerContext context, HandlerCall call) => ((McpToolDefinition)call.Handler).Handler(context);

    public override McpError? Complete(McpHandlerContext context, HandlerCall call)
    {
        if (context.HasArgumentErrors)
        {
            McpGen.Diagnostics.McpOperation.ToolError(null);
            context.WriteError(context.DescribeArgumentErrors(
                $"Invalid arguments for tool '{call.Name}':", "Fix the arguments to match the tool's inputSchema and call it again."));
        }
        else
        {
            context.WriteEmpty();
        }

        return null;
    }
}
