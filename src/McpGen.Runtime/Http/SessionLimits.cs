using System;
using System.Collections.Generic;
using McpGen.Protocol;

namespace McpGen.Http;

/// <summary>
/// Counts what each session runs at once on this replica: calls (<see cref="McpSessionOptions.MaxConcurrentCallsPerSession"/>)
/// and GET streams (<see cref="McpSessionOptions.MaxStreamsPerSession"/>). Past a limit the endpoint answers 429 with
/// <c>Retry-After</c>: the client, not the server, is over its share (503 stays for the server-wide session limit and a
/// store outage). Per replica: a store-backed session spread over replicas is bounded on each. A session without
/// anything running has no entry.
/// </summary>
internal sealed class SessionLimits(int maxCalls, int maxStreams)
{
    private readonly Dictionary<string, (int Calls, int Streams)> _running = new(StringComparer.Ordinal);

    /// <summary>Takes one call slot; <see langword="false"/> when the session runs its maximum already.</summary>
    public bool TryEnterCall(string sessionId) => TryEnter(sessionId, calls: true);

    /// <summary>Takes one stream slot; <see langword="false"/> when the session holds its maximum already.</summary>
    public bool TryEnterStream(string sessionId) => TryEnter(sessionId, calls: false);

    public void ExitCall(string sessionId) => Exit(sessionId, calls: true);

    public void ExitStream(string sessionId) => Exit(sessionId, calls: false);

    private bool TryEnter(string sessionId, bool calls)
    {
        int max = calls ? maxCalls : maxStreams;
        lock (_running)
        {
            _running.TryGetValue(sessionId, out (int Calls, int Streams) now);
            if (max > 0 && (calls ? now.Calls : now.Streams) >= max)
            {
                return false;
            }

            _running[sessionId] = calls ? (now.Calls + 1, now.Streams) : (now.Calls, now.Streams + 1);
            return true;
        }
    }

    private void Exit(string sessionId, bool calls)
    {
        lock (_running)
        {
            if (!_running.TryGetValue(sessionId, out (int Calls, int Streams) now))
            {
                return;
            }

            now = calls ? (now.Calls - 1, now.Streams) : (now.Calls, now.Streams - 1);
            if (now.Calls <= 0 && now.Streams <= 0)
            {
                _running.Remove(sessionId);
            }
            else
            {
                _running[sessionId] = now;
            }
        }
    }

    /// <summary>The 429 error for a session over a limit.</summary>
    public static McpError TooMany(bool calls, int max) => new(429, JsonRpcErrorCodes.TransportError, calls
        ? $"Too many requests: this session already runs {max} calls at once (McpServerOptions.Sessions.MaxConcurrentCallsPerSession). "
            + "Wait for a call to finish (or cancel one with notifications/cancelled) and retry after the Retry-After delay."
        : $"Too many requests: this session already holds {max} open GET streams (McpServerOptions.Sessions.MaxStreamsPerSession). "
            + "Close a stream you no longer read, then retry after the Retry-After delay.");
}
