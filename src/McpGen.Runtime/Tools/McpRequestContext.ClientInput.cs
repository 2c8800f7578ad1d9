using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen;

// Asking the client for input: elicitation (form and URL), sampling, roots. One API for every era:
// - 2026-07-28: multi round-trip requests (InputRound). The handler re-runs on every attempt; answered asks complete at
//   once, and the first wait on an unanswered ask ends the attempt with resultType "input_required".
// - initialize era, server with sessions: a JSON-RPC request on the call's SSE stream (IClientRequestChannel).
// - initialize era, stateless server: a tool error saying what to change.
public sealed partial class McpRequestContext
{
    /// <summary>
    /// The client's declared capabilities as raw UTF-8 JSON: <c>_meta["io.modelcontextprotocol/clientCapabilities"]</c>
    /// of a 2026-07-28 request, or the <c>initialize</c> capabilities of a session (set by the session layer). Empty means
    /// nothing declared.
    /// </summary>
    internal ReadOnlyMemory<byte> ClientCapabilities { get; }

    /// <summary>Sends server-to-client requests for an <c>initialize</c>-era request; set by the transport when the server has sessions.</summary>
    internal IClientRequestChannel? ClientRequestChannel { get; }

    /// <summary>The multi round-trip attempt of a 2026-07-28 <c>tools/call</c>, <c>prompts/get</c> or <c>resources/read</c>.</summary>
    internal InputRound? InputRound { get; }

    /// <summary>
    /// Whether this handler kind may ask the client for input at all: MCP allows it on <c>tools/call</c>,
    /// <c>resources/read</c> and <c>prompts/get</c> only (not <c>completion/complete</c>).
    /// </summary>
    internal bool AllowsClientInput { get; }

    /// <summary>
    /// Whether the client declared <paramref name="capability"/> (<c>clientCapabilities</c>). Asking for input the client did
    /// not declare fails: a 2026-07-28 request gets MissingRequiredClientCapability (-32021), an <c>initialize</c>-era
    /// request a tool error. Check first to degrade gracefully.
    /// </summary>
    public bool ClientSupports(McpClientCapability capability) => McpGen.ClientInput.ClientCapabilities.Declares(ClientCapabilities.Span, capability);

    /// <summary>Asks the user to fill in a form (form-mode <c>elicitation/create</c>).</summary>
    /// <typeparam name="T">The form: a partial class or record marked <see cref="McpElicitationFormAttribute"/>.</typeparam>
    /// <param name="message">What the client shows the user.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>What the user did, and the submitted form when they accepted.</returns>
    /// <remarks>
    /// For 2026-07-28 clients the call ends with <c>resultType: "input_required"</c> and the client calls again with the
    /// answer: the handler then runs again from the start, and this ask completes at once. Anything the handler did
    /// before asking is done again, so ask first and act after. <c>initialize</c>-era clients get the request on the
    /// call's SSE stream when the server has sessions (<c>Session = Sticky</c> or <c>Store</c>).
    /// </remarks>
    /// <exception cref="McpToolException">The client cannot be asked (stateless endpoint, legacy client), did not declare
    /// form elicitation (legacy), answered with an error, or did not answer in time.</exception>
    [RequiresMcpClientInput("form elicitation")]
    public Task<ElicitResult<T>> ElicitAsync<T>(string message, CancellationToken cancellationToken = default)
        where T : class, IMcpElicitationForm<T>
        => ElicitAsync<T>(message, key: null, cancellationToken);

    /// <summary>Asks the user to fill in a form, under an explicit input key.</summary>
    /// <typeparam name="T">The form: a partial class or record marked <see cref="McpElicitationFormAttribute"/>.</typeparam>
    /// <param name="message">What the client shows the user.</param>
    /// <param name="key">
    /// The key of this request in a 2026-07-28 <c>inputRequests</c> map (and of its answer in <c>inputResponses</c>); unique
    /// within the call. <see langword="null"/>: <c>input_N</c>, numbered by the order of the asks.
    /// </param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    [RequiresMcpClientInput("form elicitation")]
    public async Task<ElicitResult<T>> ElicitAsync<T>(string message, string? key, CancellationToken cancellationToken = default)
        where T : class, IMcpElicitationForm<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        (byte[] result, string where) = await RequestInputAsync(
            McpClientCapability.FormElicitation, key, ClientInputWire.ElicitationCreate, ClientInputWire.FormElicitation(message, T.RequestedSchema), cancellationToken).ConfigureAwait(false);
        return ReadForm<T>(result, where);
    }

    /// <summary>Asks the user to open a URL (URL-mode <c>elicitation/create</c>), for input that must not pass through the client.</summary>
    /// <param name="message">Why the user should open the URL.</param>
    /// <param name="url">The URL (absolute).</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>Whether the user accepted (the interaction itself happens out of band).</returns>
    [RequiresMcpClientInput("URL elicitation")]
    public Task<ElicitResult> ElicitUrlAsync(string message, Uri url, CancellationToken cancellationToken = default)
        => ElicitUrlAsync(message, url, key: null, cancellationToken);

    /// <summary>Asks the user to open a URL, under an explicit input key (see <see cref="ElicitAsync{T}(string, string?, CancellationToken)"/>).</summary>
    [RequiresMcpClientInput("URL elicitation")]
    public async Task<ElicitResult> ElicitUrlAsync(string message, Uri url, string? key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException("The elicitation URL must be absolute.", nameof(url));
        }

        // 2025-11-25 requires an elicitationId (for notifications/elicitation/complete); 2026-07-28 has none.
        string? elicitationId = IsModern ? null : Guid.NewGuid().ToString("N");
        (byte[] result, string where) = await RequestInputAsync(
            McpClientCapability.UrlElicitation, key, ClientInputWire.ElicitationCreate, ClientInputWire.UrlElicitation(message, url, elicitationId), cancellationToken).ConfigureAwait(false);
        return new ElicitResult(ClientInputWire.ReadElicitResult(result, where, out _));
    }

    /// <summary>Asks the client's language model for a completion (<c>sampling/createMessage</c>).</summary>
    /// <param name="request">The conversation and sampling settings.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>What the model answered.</returns>
    [RequiresMcpClientInput("sampling")]
    public Task<CreateMessageResult> SampleAsync(CreateMessageRequest request, CancellationToken cancellationToken = default)
        => SampleAsync(request, key: null, cancellationToken);

    /// <summary>Asks the client's language model for a completion, under an explicit input key (see <see cref="ElicitAsync{T}(string, string?, CancellationToken)"/>).</summary>
    [RequiresMcpClientInput("sampling")]
    public async Task<CreateMessageResult> SampleAsync(CreateMessageRequest request, string? key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Messages is not { Count: > 0 })
        {
            throw new ArgumentException("A sampling request needs at least one message.", nameof(request));
        }

        if (request.MaxTokens <= 0)
        {
            throw new ArgumentException("MaxTokens must be positive.", nameof(request));
        }

        (byte[] result, string where) = await RequestInputAsync(
            McpClientCapability.Sampling, key, ClientInputWire.SamplingCreateMessage, ClientInputWire.Sampling(request), cancellationToken).ConfigureAwait(false);
        return ClientInputWire.ReadCreateMessageResult(result, where);
    }

    /// <summary>Asks the client for its roots (<c>roots/list</c>): the directories and files it lets the server work on.</summary>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    [RequiresMcpClientInput("roots")]
    public Task<IReadOnlyList<McpRoot>> ListRootsAsync(CancellationToken cancellationToken = default)
        => ListRootsAsync(key: null, cancellationToken);

    /// <summary>Asks the client for its roots, under an explicit input key (see <see cref="ElicitAsync{T}(string, string?, CancellationToken)"/>).</summary>
    [RequiresMcpClientInput("roots")]
    public async Task<IReadOnlyList<McpRoot>> ListRootsAsync(string? key, CancellationToken cancellationToken = default)
    {
        (byte[] result, string where) = await RequestInputAsync(
            McpClientCapability.Roots, key, ClientInputWire.RootsList, ClientInputWire.ListRoots(), cancellationToken).ConfigureAwait(false);
        return ClientInputWire.ReadRoots(result, where);
    }

    /// <summary>Routes one ask by era; returns the client's raw result and how error messages name it.</summary>
    private async Task<(byte[] Result, string Where)> RequestInputAsync(
        McpClientCapability capability, string? key, string method, byte[] parameters, CancellationToken cancellationToken)
    {
        if (!AllowsClientInput)
        {
            throw new ClientInputNotAllowedException(
                $"This needs {method} from the client, which MCP allows only on tools/call, resources/read and prompts/get: "
                + "completion/complete cannot ask the client for input. Ask from the tool, resource or prompt that needs the value.");
        }

        if (!IsModern && ClientRequestChannel is null)
        {
            throw new McpToolException(
                $"This needs {method} from the client, and an initialize-era client ({ProtocolVersion}) receives such requests only on a session's "
                + "event stream: this endpoint is stateless. Serve the server with Session = McpSessionMode.Sticky or McpSessionMode.Store, "
                + "or call it from a 2026-07-28 client (which answers through multi round-trip requests).");
        }

        if (IsModern && InputRound is null)
        {
            throw new McpToolException(
                $"This needs {method} from the client, which only tools/call, prompts/get and resources/read may ask for (multi round-trip requests).");
        }

        if (!ClientSupports(capability))
        {
            if (IsModern)
            {
                throw new MissingClientCapabilityException(capability);
            }

            throw new McpToolException(
                $"This needs {method} from the client, and the client did not declare the {McpGen.ClientInput.ClientCapabilities.Describe(capability)} capability "
                + "in initialize. Use a client that supports it.");
        }

        if (InputRound is { } round)
        {
            byte[] answer = await round.Ask(key, method, parameters, out string resolved).WaitAsync(cancellationToken).ConfigureAwait(false);
            return (answer, $"inputResponses[\"{resolved}\"]");
        }

        byte[] result = await ClientRequestChannel!.RequestAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        return (result, $"The client's answer to {method}");
    }

    private static ElicitResult<T> ReadForm<T>(byte[] result, string where)
        where T : class, IMcpElicitationForm<T>
    {
        ElicitAction action = ClientInputWire.ReadElicitResult(result, where, out ReadOnlySpan<byte> content);
        if (action != ElicitAction.Accept)
        {
            return new ElicitResult<T>(action, null);
        }

        if (content.IsEmpty)
        {
            throw new InvalidClientInputException($"{where} is not a valid ElicitResult: an accepted form needs content.");
        }

        if (!T.TryReadContent(content, out T? form, out string? error))
        {
            throw new InvalidClientInputException($"{where}: the submitted form does not match the requested schema: {error}");
        }

        return new ElicitResult<T>(action, form);
    }
}
