using System;
using System.Text.Json;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary>
/// One request of a handler kind, found and checked: the handler that runs, the name it runs under (tool or prompt name,
/// resource URI, completion target), what it may send besides its result, and its raw arguments.
/// </summary>
/// <param name="Name">The tool or prompt name, the resource URI, or the completion's reference.</param>
/// <param name="Features">What the handler may send besides its result (from the generator).</param>
/// <param name="Arguments">The raw <c>arguments</c> object, or empty.</param>
/// <param name="Handler">The kind's handler (a generated delegate).</param>
/// <param name="State">What the kind needs besides (the completion's value and resolved arguments).</param>
/// <param name="Authorization">Who may run the handler (from the generator); <see langword="null"/> when anyone may.</param>
internal readonly record struct HandlerCall(string Name, McpHandlerFeatures Features, ReadOnlyMemory<byte> Arguments, object Handler, object? State = null, McpAuthorization? Authorization = null);

/// <summary>
/// What differs between <c>tools/call</c>, <c>resources/read</c>, <c>prompts/get</c> and <c>completion/complete</c>: how
/// a request finds its handler, how the handler runs and writes its result, and the spec's shape of each kind's
/// errors. Everything else (the request context, the session call, streams, client input, cancellation, exception
/// mapping and framing) is <see cref="McpInvoker"/>'s, the same for every kind.
/// </summary>
internal abstract class HandlerKind
{
    /// <summary>How log messages name the kind: <c>tool</c>, <c>resource</c>, <c>prompt</c>, <c>completion</c>.</summary>
    public abstract string Noun { get; }

    /// <summary>The JSON-RPC method, as MRTR request states and messages name it.</summary>
    public abstract string Method { get; }

    /// <summary>
    /// Whether a handler's errors are results (<c>isError: true</c>, tools) rather than JSON-RPC errors (every other kind).
    /// </summary>
    public virtual bool ErrorsAreResults => false;

    /// <summary>
    /// Whether the handler may send progress and log messages on an event stream and ask the client for input. MCP
    /// allows client input on <c>tools/call</c>, <c>resources/read</c> and <c>prompts/get</c> only.
    /// </summary>
    public virtual bool Streams => true;

    /// <summary>Whether a modern result may be cached (<c>ttlMs</c> and <c>cacheScope</c>; resources).</summary>
    public virtual bool Cacheable => false;

    /// <summary>Finds and checks the request's target; returns the error that answers the request instead.</summary>
    public abstract McpError? Resolve(in JsonRpcMessage message, in McpCaller caller, out HandlerCall call);

    /// <summary>Runs the handler, which writes its result through <paramref name="context"/>.</summary>
    public abstract ValueTask InvokeAsync(McpHandlerContext context, HandlerCall call);

    /// <summary>
    /// Ends a call whose handler wrote no result: argument binding errors (an <c>isError</c> result for tools, the
    /// returned -32602 error for the others), or the kind's empty result.
    /// </summary>
    public abstract McpError? Complete(McpHandlerContext context, HandlerCall call);

    /// <summary>The error for an exception a handler threw (tools, whose errors are results, never get here).</summary>
    public virtual McpError Fail(Exception exception, McpEra era, HandlerCall call) => exception switch
    {
        McpException or ArgumentException or McpGen.ClientInput.InvalidClientInputException => new McpError(200, JsonRpcErrorCodes.InvalidParams, exception.Message),
        McpGen.ClientInput.ClientInputNotAllowedException => new McpError(200, JsonRpcErrorCodes.InternalError, "Internal error: " + exception.Message),
        _ => new McpError(200, JsonRpcErrorCodes.InternalError, $"Internal error: {Noun} '{call.Name}' failed. The server log has the details."),
    };

    /// <summary>Whether the exception is the handler's own message for the client (logged at debug, not as a failure).</summary>
    public static bool IsReported(Exception exception)
        => exception is McpException or ArgumentException or McpGen.ClientInput.InvalidClientInputException or McpGen.ClientInput.ClientInputNotAllowedException;

    /// <summary>The -32602 error for argument binding errors of a kind whose errors are JSON-RPC errors.</summary>
    protected McpError ArgumentErrors(McpHandlerContext context, string name, string nextStep)
        => InvalidParams(context.DescribeArgumentErrors($"Invalid params: invalid arguments for {Noun} '{name}':", nextStep));

    /// <summary>
    /// Reads the string that names the target (<c>params.name</c> or <c>params.uri</c>): -32602 when it is not a string,
    /// and for 2026-07-28 requests 400 + -32020 when <c>Mcp-Name</c> does not mirror it.
    /// </summary>
    protected static McpError? ReadTargetName(in JsonRpcMessage message, in McpCaller caller, JsonSlice slice, string member, string missing)
    {
        if (!slice.IsString)
        {
            return InvalidParams(missing);
        }

        return caller.Era.IsModern && caller.Headers is { } headers ? Http.McpHeaders.ValidateName(headers, message, slice, member) : null;
    }

    /// <summary>-32602 at HTTP 200, the invalid-params answer of every kind.</summary>
    protected static McpError InvalidParams(string message) => new(200, JsonRpcErrorCodes.InvalidParams, message);

    /// <summary>Whether an <c>arguments</c> member is absent, null or an object (anything else is refused).</summary>
    protected static bool ArgumentsAreValid(in JsonRpcMessage message)
        => !message.Arguments.IsPresent || message.Arguments.IsNull || message.Arguments.IsObject;

    /// <summary>The raw <c>arguments</c> object, or empty.</summary>
    protected static ReadOnlyMemory<byte> ArgumentsOf(in JsonRpcMessage message)
        => message.Arguments.IsObject ? message.RawMemory(message.Arguments) : default;

    /// <summary>Whether a raw progress token is one the schema allows (string or integer).</summary>
    public static bool IsProgressToken(in JsonRpcMessage message)
        => message.ProgressToken.Type is JsonTokenType.String or JsonTokenType.Number;
}
