using System;
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.ClientInput;

/// <summary>
/// How an <c>initialize</c>-era request sends server-to-client requests (<c>elicitation/create</c>,
/// <c>sampling/createMessage</c>, <c>roots/list</c>) and gets the client's answers. Set on
/// <see cref="McpRequestContext"/> by the transport when the server has sessions; absent on stateless endpoints.
/// </summary>
internal interface IClientRequestChannel
{
    /// <summary>Sends a request to the client and waits for its answer.</summary>
    /// <param name="method">The request method.</param>
    /// <param name="parameters">The request params (UTF-8 JSON object).</param>
    /// <param name="cancellationToken">Stops waiting; the client is then told with <c>notifications/cancelled</c>.</param>
    /// <returns>The raw <c>result</c> object of the client's response.</returns>
    /// <exception cref="McpToolException">The client answered with an error, or not within the timeout.</exception>
    Task<byte[]> RequestAsync(string method, byte[] parameters, CancellationToken cancellationToken);
}

/// <summary>
/// The in-process channel: the request is an event on the SSE stream of the call that asks (never the standalone GET
/// stream, which clients open late), its id waits in <see cref="PendingClientRequests"/>, and the client's response,
/// POSTed to the endpoint, completes it. Waits at most <see cref="McpSessionOptions.ClientRequestTimeout"/>; on timeout or
/// cancellation the client gets <c>notifications/cancelled</c> for the request.
/// </summary>
internal sealed class SseClientRequestChannel(SseRequestStream stream, PendingClientRequests pending, string sessionId, TimeSpan timeout, ILogger logger) : IClientRequestChannel
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<byte[]> RequestAsync(string method, byte[] parameters, CancellationToken cancellationToken)
    {
        using PendingClientRequest request = pending.Register(sessionId, stream.SessionLog?.Node);
        byte[] message = Build(w =>
        {
            w.WriteString("id"u8, request.Id);
            w.WriteString("method"u8, method);
            w.WritePropertyName("params"u8);
            w.WriteRawValue(parameters, skipInputValidation: true);
        });
        if (!stream.EnqueueMessage(message))
        {
            throw new McpToolException($"Cannot send {method} to the client: the response stream of this call has ended (the client went away).");
        }

        PushLog.ClientRequestSent(logger, method, request.Id);
        McpGen.Diagnostics.McpOperation.Event("mcp.client_input.requested", method);
        byte[] response;
        try
        {
            response = await request.Response.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Cancel(request.Id, "The server stopped waiting for the answer (timeout).");
            PushLog.ClientRequestTimedOut(logger, method, request.Id, timeout);
            McpGen.Diagnostics.McpOperation.Event("mcp.client_input.timed_out", method);
            throw new McpToolException(
                $"The client did not answer {method} within {timeout.TotalSeconds:0.#} s (McpServerOptions.Sessions.ClientRequestTimeout). "
                + "Call the tool again when the user is ready to answer.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Cancel(request.Id, "The request that asked was cancelled.");
            throw;
        }

        McpGen.Diagnostics.McpOperation.Event("mcp.client_input.answered", method);
        return ReadResult(response, method);
    }

    /// <summary>Tells the client to stop working on a request (best effort: the stream may have ended).</summary>
    private void Cancel(string id, string reason)
        => stream.EnqueueMessage(Build(w =>
        {
            w.WriteString("method"u8, "notifications/cancelled"u8);
            w.WriteStartObject("params"u8);
            w.WriteString("requestId"u8, id);
            w.WriteString("reason"u8, reason);
            w.WriteEndObject();
        }));

    /// <summary>The <c>result</c> of a response message; a JSON-RPC <c>error</c> becomes a tool error naming it.</summary>
    internal static byte[] ReadResult(byte[] response, string method)
    {
        int? code = null;
        string? errorMessage = null;
        try
        {
            var reader = new Utf8JsonReader(response, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("result"u8))
                {
                    reader.Read();
                    int start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    return response.AsSpan(start, (int)reader.BytesConsumed - start).ToArray();
                }

                if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            bool isCode = reader.ValueTextEquals("code"u8);
                            bool isMessage = reader.ValueTextEquals("message"u8);
                            reader.Read();
                            if (isCode && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int value))
                            {
                                code = value;
                            }
                            else if (isMessage && reader.TokenType == JsonTokenType.String)
                            {
                                errorMessage = reader.GetString();
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }

                    break;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        throw new McpToolException(code is null && errorMessage is null
            ? $"The client's answer to {method} has neither a result nor an error."
            : $"The client answered {method} with an error ({code}: {errorMessage}).");
    }

    private static byte[] Build(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc"u8, "2.0"u8);
            members(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>Log messages of server-to-client requests (source-generated).</summary>
internal static partial class PushLog
{
    [LoggerMessage(101, LogLevel.Debug, "MCP {Method} sent to the client as request {RequestId}.")]
    public static partial void ClientRequestSent(ILogger logger, string method, string requestId);

    [LoggerMessage(102, LogLevel.Information, "MCP {Method} request {RequestId}: the client did not answer within {Timeout}; cancelled.")]
    public static partial void ClientRequestTimedOut(ILogger logger, string method, string requestId, TimeSpan timeout);

    [LoggerMessage(103, LogLevel.Debug, "MCP client response for unknown request id {RequestId} ignored (already answered, timed out, or not sent by this process).")]
    public static partial void UnknownClientResponse(ILogger logger, string requestId);

    [LoggerMessage(104, LogLevel.Debug, "MCP {Kind} '{Name}' ended its attempt with input_required: {Count} input request(s).")]
    public static partial void InputRequired(ILogger logger, string kind, string name, int count);

    [LoggerMessage(105, LogLevel.Debug, "MCP {Kind} '{Name}': the abandoned attempt ended with {Exception}.")]
    public static partial void AbandonedAttemptEnded(ILogger logger, string kind, string name, string exception);
}
