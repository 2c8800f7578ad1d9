using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;
using McpGen.Protocol;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.ClientInput;

/// <summary>
/// What the handlers of <c>tools/call</c>, <c>prompts/get</c> and <c>resources/read</c> need to let a handler ask the
/// client for input: the <c>requestState</c> protector and the round set-up and result for 2026-07-28 requests, the
/// pending-request registry and the SSE channel for <c>initialize</c>-era requests of servers with sessions, and the
/// mapping of client-input failures to JSON-RPC errors.
/// </summary>
internal sealed class ClientInputServices
{
    public ClientInputServices(IDataProtectionProvider dataProtection, TimeProvider time, PendingClientRequests pending, McpServerOptions options)
    {
        Protector = new RequestStateProtector(dataProtection, time, options.RequestStateLifetime);
        Pending = pending;
        ClientRequestTimeout = options.Sessions.ClientRequestTimeout;
    }

    public RequestStateProtector Protector { get; }

    public PendingClientRequests Pending { get; }

    public TimeSpan ClientRequestTimeout { get; }

    /// <summary>
    /// Prepares a 2026-07-28 request whose handler may ask for input: copies the declared capabilities, validates
    /// <c>inputResponses</c> (an object of objects) and opens <c>requestState</c> (authentic, unexpired, same principal,
    /// same method, name and arguments). Returns the error to send (-32602, HTTP 400) when they are not valid.
    /// </summary>
    /// <param name="user">The caller (the principal the state is bound to).</param>
    /// <param name="message">The request.</param>
    /// <param name="method">The method (<c>tools/call</c>, <c>prompts/get</c> or <c>resources/read</c>).</param>
    /// <param name="name">The tool or prompt name, or the resource URI.</param>
    /// <param name="capabilities">The capabilities the request declares (copied: the body goes back to its pool).</param>
    /// <param name="round">The attempt's round, with the answers of earlier rounds and of this request.</param>
    /// <remarks>The arguments bound into the state are the request's <c>params.arguments</c> (none for <c>resources/read</c>).</remarks>
    public McpError? BeginModern(System.Security.Claims.ClaimsPrincipal user, in JsonRpcMessage message, string method, string name,
        out ReadOnlyMemory<byte> capabilities, out InputRound? round)
    {
        capabilities = message.MetaClientCapabilities.IsObject ? message.Raw(message.MetaClientCapabilities).ToArray() : default;
        round = null;
        string restart = $" Start over: send {method} for '{name}' again without requestState and inputResponses.";
        Dictionary<string, byte[]>? answers = null;
        if (message.InputResponses.IsPresent)
        {
            if (!message.InputResponses.IsObject)
            {
                return Invalid("params.inputResponses must be an object mapping the keys of inputRequests to the client's results "
                    + "(ElicitResult, CreateMessageResult or ListRootsResult), or be omitted.");
            }

            answers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            ReadOnlySpan<byte> raw = message.Raw(message.InputResponses);
            var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = JsonRpcMessageReader.MaxDepth });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                int start = (int)reader.TokenStartIndex;
                bool isObject = reader.TokenType == JsonTokenType.StartObject;
                reader.Skip();
                if (!isObject)
                {
                    return Invalid($"params.inputResponses[\"{key}\"] must be an object: the client's result for that input request "
                        + "(ElicitResult, CreateMessageResult or ListRootsResult).");
                }

                answers[key] = raw[start..(int)reader.BytesConsumed].ToArray();
            }
        }

        // The digests bind a sealed state to the caller and to this request. They are computed only when a state is
        // opened (here) or sealed (when the attempt ends with input_required): most calls do neither. The body (and so
        // the arguments) lives until the response is written.
        ReadOnlyMemory<byte> argumentsJson = message.Arguments.IsObject ? message.RawMemory(message.Arguments) : default;
        byte[]? principal = null, digest = null;
        byte[] Principal() => principal ??= Security.PrincipalKey.Digest(user);
        byte[] Digest() => digest ??= RequestStateProtector.RequestDigest(method, name, argumentsJson.Span);
        if (message.RequestState.IsPresent)
        {
            if (!message.RequestState.IsString)
            {
                return Invalid("params.requestState must be the string the server returned in its input_required result, echoed unchanged." + restart);
            }

            RequestStateStatus status = Protector.Open(message.GetString(message.RequestState)!, Principal(), Digest(), out Dictionary<string, byte[]>? earlier);
            string? problem = status switch
            {
                RequestStateStatus.Tampered => "params.requestState was not issued by this server (or by a replica sharing its Data Protection keys), or it was changed.",
                RequestStateStatus.Expired => $"params.requestState has expired (it is valid for {Protector.Lifetime.TotalMinutes:0.#} minutes).",
                RequestStateStatus.OtherPrincipal => "params.requestState was issued to another user.",
                RequestStateStatus.OtherRequest => "params.requestState belongs to another request: a different method, name or arguments.",
                _ => null,
            };
            if (problem is not null)
            {
                return Invalid(problem + restart);
            }

            if (earlier!.Count > 0)
            {
                answers ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (KeyValuePair<string, byte[]> answer in earlier)
                {
                    // What earlier rounds answered is what the handler acted on: it wins over a repeated key.
                    answers[answer.Key] = answer.Value;
                }
            }
        }

        round = new InputRound(answers, Principal, Digest);
        return null;

        static McpError Invalid(string problem) => new(400, JsonRpcErrorCodes.InvalidParams, "Invalid params: " + problem);
    }

    /// <summary>
    /// The channel that sends the requests of a call of <paramref name="sessionId"/> to the client on <paramref name="stream"/>;
    /// only that session's answers complete them.
    /// </summary>
    public IClientRequestChannel OpenChannel(SseRequestStream stream, string sessionId, ILogger logger)
        => new SseClientRequestChannel(stream, Pending, sessionId, ClientRequestTimeout, logger);

    /// <summary>Writes the complete <c>input_required</c> response of a closed round.</summary>
    public void WriteInputRequired(ResponseBuffer buffer, ReadOnlySpan<byte> rawId, InputRound round, ReadOnlySpan<byte> modernMeta)
    {
        buffer.Clear();
        Utf8JsonWriter json = buffer.Json;
        JsonRpcWriter.WriteResultStart(json, rawId);
        json.WriteStartObject();
        json.WriteString("resultType"u8, "input_required"u8);
        round.WriteInputRequests(json);
        json.WriteString("requestState"u8, Protector.Seal(round.Principal, round.Request, round.UsedAnswers));
        json.WritePropertyName("_meta"u8);
        json.WriteRawValue(modernMeta, skipInputValidation: true);
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>
    /// The JSON-RPC error for a client-input failure of a 2026-07-28 request: MissingRequiredClientCapability (-32021) or
    /// an invalid answer (-32602), both HTTP 400; <see langword="null"/> for other exceptions.
    /// </summary>
    public static McpError? ToModernError(Exception exception) => exception switch
    {
        MissingClientCapabilityException missing => new McpError(400, JsonRpcErrorCodes.MissingRequiredClientCapability,
            "Missing required client capability: " + missing.Message, McpErrorData.RequiredCapabilities, ClientCapabilities.Required(missing.Capability)),
        InvalidClientInputException invalid => new McpError(400, JsonRpcErrorCodes.InvalidParams,
            "Invalid params: " + invalid.Message + " Answer the input request again with a valid result, or start over without requestState and inputResponses."),
        _ => null,
    };

    /// <summary>
    /// Lets an abandoned attempt (its round ended with <c>input_required</c>; its waiting asks were cancelled) finish in
    /// the background, then releases its result buffer: the handler may still write into it until then.
    /// </summary>
    public static void ReleaseWhenDone(Task handler, ResponseBuffer buffer, ILogger logger, string kind, string name)
        => handler.ContinueWith(
            completed =>
            {
                PushLog.AbandonedAttemptEnded(logger, kind, name, completed.Exception?.InnerException?.GetType().Name ?? (completed.IsCanceled ? "cancellation" : "completion"));
                ResponseBuffer.Return(buffer);
            },
            System.Threading.CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
