using System;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.ClientInput;

/// <summary>
/// The server-to-client requests of this process that wait for the client's answer, by JSON-RPC id. Each request is
/// asked of one session, and only that session may answer it: its id is <c>mcpgen-{session tag}.{random}</c>, where the
/// tag is a digest of the session id (so any replica can tell, without state, that an answer comes from another session)
/// and the random part has 128 bits (so nobody can guess it). A response POSTed with the asking session's id completes the
/// request (<see cref="TryComplete"/>); the channel that sent it waits on <see cref="PendingClientRequest.Response"/>. One
/// instance per application (a singleton service).
/// </summary>
internal sealed class PendingClientRequests
{
    private const string IdPrefix = "mcpgen-";

    private readonly ConcurrentDictionary<string, PendingClientRequest> _pending = new(StringComparer.Ordinal);

    /// <summary>How many requests wait for an answer.</summary>
    public int Count => _pending.Count;

    /// <summary>
    /// Registers a request asked of <paramref name="sessionId"/> under a new unique id. With <paramref name="node"/> (the
    /// asking replica's backplane address), the id is <c>mcpgen-{session tag}.{node}.{random}</c>, so the replica that
    /// receives the answer sends it to that node alone (<see cref="NodeOf"/>).
    /// </summary>
    public PendingClientRequest Register(string sessionId, string? node = null)
    {
        string prefix = IdPrefix + SessionTag(sessionId) + "." + (McpGen.Sessions.McpBackplaneChannels.IsAddress(node) ? node + "." : "");
        Span<byte> random = stackalloc byte[16];
        while (true)
        {
            RandomNumberGenerator.Fill(random);
            var pending = new PendingClientRequest(this, prefix + Base64Url.EncodeToString(random), sessionId);
            if (_pending.TryAdd(pending.Id, pending))
            {
                return pending;
            }
        }
    }

    /// <summary>
    /// Completes the request whose id is <paramref name="rawId"/> (the raw JSON token of a response's <c>id</c>), asked of
    /// <paramref name="sessionId"/>, with the whole response message (copied). Returns <see langword="false"/> when no
    /// request of this process has that id (already answered, timed out, cancelled, or never sent here) or when it was
    /// asked of another session, which leaves it waiting for its own session's answer.
    /// </summary>
    public bool TryComplete(ReadOnlySpan<byte> rawId, string sessionId, ReadOnlyMemory<byte> responseMessage)
    {
        if (!TryReadId(rawId, out string? id) || !_pending.TryGetValue(id, out PendingClientRequest? pending)
            || !string.Equals(pending.SessionId, sessionId, StringComparison.Ordinal)
            || !_pending.TryRemove(new(id, pending)))
        {
            return false;
        }

        return pending.Complete(responseMessage.ToArray());
    }

    /// <summary>
    /// Whether <paramref name="rawId"/> may be the id of a request asked of <paramref name="sessionId"/>: a string with this
    /// session's tag. An answer whose id fails this comes from the wrong session (or answers nothing McpGen asked).
    /// </summary>
    public static bool MayBelongTo(ReadOnlySpan<byte> rawId, string sessionId)
        => TryReadId(rawId, out string? id) && id.AsSpan(IdPrefix.Length).StartsWith(SessionTag(sessionId) + ".", StringComparison.Ordinal);

    /// <summary>
    /// The node named in a request id (see <see cref="Register"/>), or <see langword="null"/> when it names none or is not a
    /// request id of this server. Only the form is checked: a forged id can name only a node's reply channel, where the
    /// session check of <see cref="TryComplete"/> still applies.
    /// </summary>
    public static string? NodeOf(ReadOnlySpan<byte> rawId)
    {
        if (!TryReadId(rawId, out string? id))
        {
            return null;
        }

        ReadOnlySpan<char> rest = id.AsSpan(IdPrefix.Length);
        int first = rest.IndexOf('.');
        if (first < 0)
        {
            return null;
        }

        rest = rest[(first + 1)..];
        int second = rest.IndexOf('.');
        return second > 0 && McpGen.Sessions.McpBackplaneChannels.IsAddress(rest[..second]) ? rest[..second].ToString() : null;
    }

    /// <summary>The session's tag in request ids: 9 bytes of SHA-256 of the session id, base64url (12 characters).</summary>
    private static string SessionTag(string sessionId)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sessionId), digest);
        return Base64Url.EncodeToString(digest[..9]);
    }

    internal void Remove(PendingClientRequest pending) => _pending.TryRemove(new(pending.Id, pending));

    private static bool TryReadId(ReadOnlySpan<byte> rawId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? id)
    {
        id = null;
        if (rawId.Length < 2 + IdPrefix.Length || rawId[0] != (byte)'"')
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(rawId, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
            if (reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                id = reader.GetString();
                return id is not null && id.StartsWith(IdPrefix, StringComparison.Ordinal);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
        }

        return false;
    }
}

/// <summary>One server-to-client request waiting for its answer; dispose it to stop waiting (unregisters the id).</summary>
internal sealed class PendingClientRequest : IDisposable
{
    private readonly PendingClientRequests _owner;
    private readonly TaskCompletionSource<byte[]> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal PendingClientRequest(PendingClientRequests owner, string id, string sessionId)
    {
        _owner = owner;
        Id = id;
        SessionId = sessionId;
    }

    /// <summary>The JSON-RPC id of the request (a string).</summary>
    public string Id { get; }

    /// <summary>The session the request was asked of: the only one whose answer completes it.</summary>
    public string SessionId { get; }

    /// <summary>Completes with the client's whole response message (<c>result</c> or <c>error</c>).</summary>
    public Task<byte[]> Response => _response.Task;

    internal bool Complete(byte[] message) => _response.TrySetResult(message);

    public void Dispose()
    {
        _owner.Remove(this);
        _response.TrySetCanceled();
    }
}
