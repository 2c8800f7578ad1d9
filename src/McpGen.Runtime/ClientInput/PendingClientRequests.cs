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
/// The server-to-client requests of this process that wait for the client's answer, by JSON-RPC id. Ids are random
/// (128 bits), so a client cannot answer, or guess, another client's request. A response POSTed to the endpoint completes
/// the request with its id (<see cref="TryComplete"/>); the channel that sent the request waits on
/// <see cref="PendingClientRequest.Response"/>. One instance per application (a singleton service).
/// </summary>
internal sealed class PendingClientRequests
{
    private const string IdPrefix = "mcpgen-";

    private readonly ConcurrentDictionary<string, PendingClientRequest> _pending = new(StringComparer.Ordinal);

    /// <summary>How many requests wait for an answer.</summary>
    public int Count => _pending.Count;

    /// <summary>Registers a request under a new unique id (a string: <c>mcpgen-</c> and 22 URL-safe characters).</summary>
    public PendingClientRequest Register()
    {
        Span<byte> random = stackalloc byte[16];
        while (true)
        {
            RandomNumberGenerator.Fill(random);
            var pending = new PendingClientRequest(this, IdPrefix + Base64Url.EncodeToString(random));
            if (_pending.TryAdd(pending.Id, pending))
            {
                return pending;
            }
        }
    }

    /// <summary>
    /// Completes the request whose id is <paramref name="rawId"/> (the raw JSON token of a response's <c>id</c>) with the
    /// whole response message (copied). Returns <see langword="false"/> when no request of this process has that id
    /// (already answered, timed out, cancelled, or never sent here).
    /// </summary>
    public bool TryComplete(ReadOnlySpan<byte> rawId, ReadOnlyMemory<byte> responseMessage)
    {
        if (!TryReadId(rawId, out string? id) || !_pending.TryRemove(id, out PendingClientRequest? pending))
        {
            return false;
        }

        return pending.Complete(responseMessage.ToArray());
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
            var reader = new Utf8JsonReader(rawId);
            if (reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                id = reader.GetString();
                return id is not null;
            }
        }
        catch (JsonException)
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

    internal PendingClientRequest(PendingClientRequests owner, string id)
    {
        _owner = owner;
        Id = id;
    }

    /// <summary>The JSON-RPC id of the request (a string).</summary>
    public string Id { get; }

    /// <summary>Completes with the client's whole response message (<c>result</c> or <c>error</c>).</summary>
    public Task<byte[]> Response => _response.Task;

    internal bool Complete(byte[] message) => _response.TrySetResult(message);

    public void Dispose()
    {
        _owner.Remove(this);
        _response.TrySetCanceled();
    }
}
