using System;
using System.Threading;
using System.Threading.Tasks;
using McpGen.ClientInput;

namespace McpGen.Sessions;

/// <summary>
/// Routes a client's answer to a server-to-client request (elicitation, sampling, roots) of a store-backed session to
/// the replica whose call waits for it: the replica the answer's POST reached publishes it with the answering session's
/// id on the addressed channel <c>@{node}:reply</c> of the node named in the request's id
/// (<see cref="PendingClientRequests.NodeOf"/>), and the waiting replica completes only a request of that session. An
/// id without a node (requests sent before this version) goes on the broadcast <c>reply</c> channel.
/// </summary>
internal sealed class ClientReplyRouter(IMcpBackplane backplane, PendingClientRequests? pending)
{
    /// <summary>The broadcast channel for answers whose request id names no node.</summary>
    public const string ReplyChannel = "reply";

    /// <summary>The addressed channel of the answers to the requests <paramref name="node"/> sent.</summary>
    public static string NodeChannel(string node) => McpBackplaneChannels.Addressed(node, "reply");

    /// <summary>Whether this endpoint has server-to-client requests to answer (a registry of pending requests).</summary>
    public bool Active => pending is not null;

    /// <summary>
    /// Publishes a client's answer for the replica whose call waits for it: the payload is the answering session's id, a
    /// line feed, and the response message, so the waiting replica completes only a request of that session.
    /// </summary>
    public ValueTask PublishAsync(string sessionId, ReadOnlySpan<byte> rawId, ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        byte[] payload = new byte[System.Text.Encoding.UTF8.GetByteCount(sessionId) + 1 + response.Length];
        int written = System.Text.Encoding.UTF8.GetBytes(sessionId, payload);
        payload[written] = (byte)'\n';
        response.Span.CopyTo(payload.AsSpan(written + 1));
        string? node = PendingClientRequests.NodeOf(rawId);
        return backplane.PublishAsync(node is null ? ReplyChannel : NodeChannel(node), payload, cancellationToken);
    }

    /// <summary>A client's answer published by another replica: complete it if a call of that session waits here.</summary>
    public ValueTask OnRemoteReply(ReadOnlyMemory<byte> payload)
    {
        int split = payload.Span.IndexOf((byte)'\n');
        if (split <= 0)
        {
            return ValueTask.CompletedTask;
        }

        string sessionId = System.Text.Encoding.UTF8.GetString(payload.Span[..split]);
        ReadOnlyMemory<byte> response = payload[(split + 1)..];
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(response.Span);
            if (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
                {
                    bool isId = reader.ValueTextEquals("id"u8);
                    reader.Read();
                    if (isId)
                    {
                        int start = (int)reader.TokenStartIndex;
                        pending!.TryComplete(response.Span.Slice(start, (int)reader.BytesConsumed - start), sessionId, response);
                        break;
                    }

                    reader.Skip();
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a response: ignore.
        }

        return ValueTask.CompletedTask;
    }

}
