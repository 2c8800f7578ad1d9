using System;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Threading;
using Microsoft.AspNetCore.Http;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen;

/// <summary>Name and version of an MCP client, as it reported them.</summary>
/// <param name="Name">The client's name.</param>
/// <param name="Version">The client's version.</param>
/// <param name="Title">The client's human-readable title, if it sent one.</param>
public sealed record McpClientInfo(string Name, string Version, string? Title = null);

/// <summary>
/// What a tool can know about the request that called it. Take a parameter of this type in a tool method to get it;
/// it never appears in the tool's input schema. Valid for the duration of the call.
/// </summary>
public sealed partial class McpRequestContext
{
    private ReadOnlyMemory<byte> _rawId;
    private ReadOnlyMemory<byte> _rawClientInfo;
    private string? _requestId;
    private McpClientInfo? _clientInfo;

    internal McpRequestContext(HttpContext httpContext, string protocolVersion, bool isModern, string requestId, McpClientInfo? clientInfo, IProgressSink? progress)
    {
        HttpContext = httpContext;
        ProtocolVersion = protocolVersion;
        IsModern = isModern;
        _requestId = requestId;
        _clientInfo = clientInfo;
        ProgressSink = progress;
    }

    /// <summary>
    /// Creates the complete context of one handler invocation (the invoker's only way to make one): raw JSON slices of
    /// the request body (the id token and the <c>clientInfo</c> object) are decoded only when a handler asks.
    /// </summary>
    internal McpRequestContext(HttpContext httpContext, McpGen.Protocol.McpEra era, ReadOnlyMemory<byte> rawId, ReadOnlyMemory<byte> rawClientInfo, in McpCallServices call)
    {
        HttpContext = httpContext;
        ProtocolVersion = era.Version;
        IsModern = era.IsModern;
        _rawId = rawId;
        _rawClientInfo = rawClientInfo;
        Session = call.Session;
        ChangeNotifier = call.Changes;
        Stream = call.Stream;
        ProgressSink = call.Progress;
        LogSink = call.Log;
        CallAborted = call.Aborted;
        ClientCapabilities = call.ClientCapabilities;
        InputRound = call.InputRound;
        ClientRequestChannel = call.ClientRequests;
        AllowsClientInput = call.AllowsClientInput;
    }

    /// <summary>The HTTP request that carries the MCP request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The authenticated caller (<see cref="HttpContext.User"/>).</summary>
    public ClaimsPrincipal User => HttpContext.User;

    /// <summary>The protocol version of this request: negotiated by <c>initialize</c>, or carried by a 2026-07-28 request.</summary>
    public string ProtocolVersion { get; }

    /// <summary><see langword="true"/> for a 2026-07-28 (stateless, per-request metadata) request.</summary>
    public bool IsModern { get; }

    /// <summary>The JSON-RPC id of the request, as its JSON text (<c>1</c> or <c>"abc"</c>).</summary>
    public string RequestId => _requestId ??= Encoding.UTF8.GetString(_rawId.Span);

    /// <summary>
    /// The client's name and version, when known: modern requests that send <c>io.modelcontextprotocol/clientInfo</c>.
    /// Stateless legacy requests carry none (it was sent once, with <c>initialize</c>).
    /// </summary>
    public McpClientInfo? ClientInfo => _clientInfo ??= Session?.ClientInfo ?? ParseClientInfo(_rawClientInfo.Span);

    /// <summary>
    /// Signals when the call is cancelled: the client went away (stateless), or, inside a session, the client sent
    /// <c>notifications/cancelled</c> or dropped the connection before it received an event id (once it holds one, a
    /// dropped connection does not cancel a session call: the client can resume its stream).
    /// </summary>
    public CancellationToken RequestAborted => CallAborted ?? HttpContext.RequestAborted;

    internal CancellationToken? CallAborted { get; }

    /// <summary>The session of an <c>initialize</c>-era request on a sticky or store-backed server, as loaded for this request.</summary>
    internal McpGen.Sessions.McpSessionState? Session { get; }

    /// <summary>
    /// Tells this server's clients that its tools, prompts or resources changed, or that a resource was updated (see
    /// <see cref="IMcpChangeNotifier"/>); outside a tool, inject <see cref="McpChangeNotifier{TServer}"/>.
    /// </summary>
    public IMcpChangeNotifier Changes => ChangeNotifier ?? throw new InvalidOperationException("Change notifications are available only inside an MCP call.");

    internal IMcpChangeNotifier? ChangeNotifier { get; }

    /// <summary>The call's SSE stream, when it may have one.</summary>
    internal McpGen.Streaming.SseRequestStream? Stream { get; }

    /// <summary>
    /// The MCP session id of an <c>initialize</c>-era client on a sticky or store-backed server; <see langword="null"/>
    /// on stateless servers and for 2026-07-28 requests.
    /// </summary>
    public string? SessionId => Session?.Id;

    /// <summary>
    /// Ends the call's SSE response now and lets the client reconnect with <c>Last-Event-ID</c> to receive the rest,
    /// result included (SSE polling, SEP-1699): for long calls behind proxies that cut long responses. Needs a session
    /// (sticky or store-backed server, <c>initialize</c>-era client); returns <see langword="false"/> and does nothing otherwise.
    /// </summary>
    [RequiresMcpSession("SSE polling")]
    public bool CloseStreamForPolling() => Stream?.RequestClose() ?? false;

    internal IProgressSink? ProgressSink { get; }

    /// <summary>
    /// Reports progress to the client, when it asked for progress (sent a progress token); otherwise does nothing.
    /// </summary>
    public void ReportProgress(McpProgress progress) => ProgressSink?.Report(progress);

    /// <summary>Where this request's log messages go; set by the transport when the client may receive them.</summary>
    internal ILogSink? LogSink { get; }

    /// <summary>
    /// Sends a log message to the client (<c>notifications/message</c> on the request's stream) when the client's log
    /// level lets it through: the level a 2026-07-28 request carries in <c>_meta</c> (no level, no messages), or for
    /// <c>initialize</c>-era clients the session's level (info on stateless endpoints, which keep no session).
    /// </summary>
    /// <param name="level">The severity.</param>
    /// <param name="message">The message (sent as <c>data</c>).</param>
    /// <param name="logger">An optional logger name.</param>
    public void Log(McpLogLevel level, string message, string? logger = null) => LogSink?.Log(level, message, logger);

    /// <summary>Decodes what a tool may still read after the call, before the request body buffer goes back to its pool.</summary>
    internal void Detach(bool decode = true)
    {
        if (!decode)
        {
            // Nobody outside the call can reach this context: drop the slices without decoding them.
            _rawId = default;
            _rawClientInfo = default;
            return;
        }

        if (!_rawId.IsEmpty && _requestId is null)
        {
            _requestId = Encoding.UTF8.GetString(_rawId.Span);
        }

        if (!_rawClientInfo.IsEmpty && _clientInfo is null)
        {
            _clientInfo = ParseClientInfo(_rawClientInfo.Span);
        }

        _rawId = default;
        _rawClientInfo = default;
    }

    /// <summary>Reads a <c>clientInfo</c> object (name, version, title); <see langword="null"/> when it has no name.</summary>
    internal static McpClientInfo? ParseClientInfoJson(ReadOnlySpan<byte> json) => ParseClientInfo(json);

    private static McpClientInfo? ParseClientInfo(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(json, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? name = null, version = null, title = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ref string? target = ref name;
                bool known = true;
                if (reader.ValueTextEquals("name"u8))
                {
                    target = ref name;
                }
                else if (reader.ValueTextEquals("version"u8))
                {
                    target = ref version;
                }
                else if (reader.ValueTextEquals("title"u8))
                {
                    target = ref title;
                }
                else
                {
                    known = false;
                }

                reader.Read();
                if (known && reader.TokenType == JsonTokenType.String)
                {
                    target = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            return name is null ? null : new McpClientInfo(name, version ?? string.Empty, title);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Where a request's log messages go (<c>notifications/message</c> on the request's SSE stream, after the client's level
/// filter). Implemented by the transport; must never block the caller.
/// </summary>
internal interface ILogSink
{
    void Log(McpLogLevel level, string message, string? logger);
}

/// <summary>
/// What the invoker gives one handler invocation besides the request itself: the session (initialize-era requests of
/// sticky and store-backed servers), the change notifier, the call's stream and its sinks, the call's cancellation, and
/// what the handler needs to ask the client for input in the request's era.
/// </summary>
internal readonly record struct McpCallServices(
    McpGen.Sessions.McpSessionState? Session,
    IMcpChangeNotifier Changes,
    McpGen.Streaming.SseRequestStream? Stream,
    IProgressSink? Progress,
    ILogSink? Log,
    CancellationToken? Aborted,
    ReadOnlyMemory<byte> ClientCapabilities,
    McpGen.ClientInput.InputRound? InputRound,
    McpGen.ClientInput.IClientRequestChannel? ClientRequests,
    bool AllowsClientInput);

/// <summary>Where a request's progress notifications go (the request's SSE stream). Implemented by the transport.</summary>
internal interface IProgressSink
{
    void Report(McpProgress progress);
}
