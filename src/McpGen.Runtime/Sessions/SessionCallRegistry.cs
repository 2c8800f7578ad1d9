using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace McpGen.Sessions;

/// <summary>
/// The running calls of the sessions of one endpoint on this replica, so that <c>notifications/cancelled</c> (and the end
/// of a session) reaches them: here directly, or for store-backed servers through the backplane on whichever replica runs
/// the call: the addressed channel <c>@{node}:cancel</c> of the node the call's lease names (<see cref="CallLeases"/>),
/// else (a call without a lease: one that answers with plain JSON, or has not logged an event yet) the broadcast
/// <c>cancel</c> channel. The end of a session cancels its calls on every replica through the broadcast channel.
/// </summary>
internal sealed class SessionCallRegistry(IMcpBackplane backplane, bool shared)
{
    /// <summary>The broadcast channel of cancellations whose call's runner is unknown, and of ended sessions.</summary>
    public const string CancelChannel = "cancel";

    /// <summary>The addressed channel of the cancellations of calls that <paramref name="node"/> runs.</summary>
    public static string NodeChannel(string node) => McpBackplaneChannels.Addressed(node, "cancel");

    /// <summary>Finds the node running a call of a session (from its lease), or <see langword="null"/>.</summary>
    public Func<string, ReadOnlyMemory<byte>, CancellationToken, ValueTask<string?>>? RunnerOf { get; set; }

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _calls = new(StringComparer.Ordinal);

    /// <summary>
    /// Registers a running call of a session so <c>notifications/cancelled</c> can cancel it; dispose the returned source
    /// with <see cref="Untrack"/> when the call ends.
    /// </summary>
    public CancellationTokenSource Track(string sessionId, ReadOnlySpan<byte> rawRequestId)
    {
        var source = new CancellationTokenSource();
        _calls[CallKey(sessionId, rawRequestId)] = source;
        return source;
    }

    public void Untrack(string sessionId, ReadOnlySpan<byte> rawRequestId, CancellationTokenSource source)
    {
        _calls.TryRemove(new(CallKey(sessionId, rawRequestId), source));
        source.Dispose();
    }

    /// <summary>Cancels a running call of a session here, or (store-backed) on whichever replica runs it.</summary>
    public async ValueTask CancelAsync(string sessionId, ReadOnlyMemory<byte> rawRequestId, CancellationToken cancellationToken)
    {
        if (CancelLocal(CallKey(sessionId, rawRequestId.Span)) || !shared)
        {
            return;
        }

        byte[] key = System.Text.Encoding.UTF8.GetBytes(CallKey(sessionId, rawRequestId.Span));
        string? node = RunnerOf is { } runnerOf ? await runnerOf(sessionId, rawRequestId, cancellationToken).ConfigureAwait(false) : null;
        await backplane.PublishAsync(node is null ? CancelChannel : NodeChannel(node), key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels every call of a session, here and (store-backed) on every replica: the session ended.</summary>
    public async ValueTask CancelSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        CancelLocal(SessionCallsPrefix(sessionId));
        if (shared)
        {
            await backplane.PublishAsync(CancelChannel, System.Text.Encoding.UTF8.GetBytes(SessionCallsPrefix(sessionId)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a call of a session runs here.</summary>
    public bool IsRunning(string sessionId, ReadOnlySpan<byte> rawRequestId) => _calls.ContainsKey(CallKey(sessionId, rawRequestId));

    /// <summary>A cancellation published by another replica: cancel the call (or the session's calls) if it runs here.</summary>
    public ValueTask OnRemoteCancel(ReadOnlyMemory<byte> payload)
    {
        CancelLocal(System.Text.Encoding.UTF8.GetString(payload.Span));
        return ValueTask.CompletedTask;
    }

    /// <summary>Cancels the call of <paramref name="key"/>, or every call of a session for a <see cref="SessionCallsPrefix"/>.</summary>
    private bool CancelLocal(string key)
    {
        if (key.EndsWith('|'))
        {
            bool any = false;
            foreach (var call in _calls)
            {
                if (call.Key.StartsWith(key, StringComparison.Ordinal))
                {
                    any |= Cancel(call.Value);
                }
            }

            return any;
        }

        return _calls.TryGetValue(key, out CancellationTokenSource? source) && Cancel(source);
    }

    private static bool Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended meanwhile.
        }

        return true;
    }

    private static string CallKey(string sessionId, ReadOnlySpan<byte> rawRequestId)
        => SessionCallsPrefix(sessionId) + System.Text.Encoding.UTF8.GetString(rawRequestId);

    /// <summary>The start of the keys of every call of a session (request ids are never empty, so no call key ends with it).</summary>
    private static string SessionCallsPrefix(string sessionId) => sessionId + "|";

}
