using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace McpGen.Fuzz;

/// <summary>How the request bytes go over the socket: the framing mutations.</summary>
public enum Framing
{
    /// <summary>Everything at once, then wait for the answer.</summary>
    Normal,

    /// <summary>Headers and the first half of the body, then the send side is shut down (a truncated body).</summary>
    HalfCloseMidBody,

    /// <summary>Headers and part of the body, then nothing: a client that stops sending (the server must time it out).</summary>
    StallMidBody,

    /// <summary>Headers and part of the body, then the connection is closed: no answer is expected, the server must survive.</summary>
    CloseMidBody,

    /// <summary>Everything in one-byte writes.</summary>
    Trickle,
}

/// <summary>One HTTP/1.1 exchange as the fuzzer saw it.</summary>
public sealed class RawResponse
{
    public int Status { get; init; }

    public string StatusLine { get; init; } = "";

    public List<KeyValuePair<string, string>> Headers { get; init; } = [];

    public byte[] Body { get; init; } = [];

    /// <summary>No complete answer within the time limit.</summary>
    public bool TimedOut { get; init; }

    /// <summary>The server closed or reset the connection without a status line.</summary>
    public bool NoAnswer { get; init; }

    /// <summary>The server closed the connection before the request was written whole (see <see cref="RawHttp"/>).</summary>
    public bool WriteFailed { get; init; }

    /// <summary>An SSE body that was still open when the fuzzer stopped reading (streams are read for a bounded time).</summary>
    public bool StreamCutByClient { get; init; }

    public TimeSpan Elapsed { get; init; }

    public string? Header(string name)
        => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public bool IsEventStream => Header("Content-Type")?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;

    public bool IsJson => Header("Content-Type")?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>
/// HTTP/1.1 over a raw <see cref="TcpClient"/> to 127.0.0.1, one connection per request (<c>Connection: close</c>), so
/// every byte of the request line, headers and framing can be mutated and the answer is read exactly as sent.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(int port, byte[] head, byte[] body, Framing framing, TimeSpan timeout, TimeSpan streamRead, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        using var client = new TcpClient { NoDelay = true };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync("127.0.0.1", port, limit.Token);
            NetworkStream stream = client.GetStream();
            try
            {
                if (await WriteAsync(client, stream, head, body, framing, limit.Token) is { } closed)
                {
                    return new RawResponse { NoAnswer = closed.NoAnswer, Elapsed = clock.Elapsed };
                }
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // Closed while we were still sending: the server answered early (a bad header) or gave up on the body.
                // Read what it sent, if the reset left it; either way the oracle knows the request never went out whole.
                try
                {
                    RawResponse early = await ReadResponseAsync(stream, limit.Token, streamRead, clock);
                    return early.NoAnswer ? new RawResponse { NoAnswer = true, WriteFailed = true, Elapsed = clock.Elapsed } : early;
                }
                catch (Exception again) when (again is IOException or SocketException)
                {
                    return new RawResponse { NoAnswer = true, WriteFailed = true, Elapsed = clock.Elapsed };
                }
            }

            return await ReadResponseAsync(stream, limit.Token, streamRead, clock);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return new RawResponse { TimedOut = true, Elapsed = clock.Elapsed };
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return new RawResponse { NoAnswer = true, Elapsed = clock.Elapsed };
        }
    }

    /// <summary>Writes the request in its framing; returns the response when the framing itself ends the exchange.</summary>
    private static async Task<RawResponse?> WriteAsync(TcpClient client, NetworkStream stream, byte[] head, byte[] body, Framing framing, CancellationToken cancel)
    {
        int half = body.Length / 2;
        switch (framing)
        {
            case Framing.Normal:
                await stream.WriteAsync(Concat(head, body), cancel);
                break;
            case Framing.Trickle:
                byte[] all = Concat(head, body);
                for (int i = 0; i < all.Length; i += 1 + (i / 64))
                {
                    await stream.WriteAsync(all.AsMemory(i, Math.Min(1 + (i / 64), all.Length - i)), cancel);
                }

                break;
            case Framing.HalfCloseMidBody:
                await stream.WriteAsync(Concat(head, body.AsSpan(0, half).ToArray()), cancel);
                client.Client.Shutdown(SocketShutdown.Send);
                break;
            case Framing.StallMidBody:
                await stream.WriteAsync(Concat(head, body.AsSpan(0, half).ToArray()), cancel);
                break;
            case Framing.CloseMidBody:
                await stream.WriteAsync(Concat(head, body.AsSpan(0, half).ToArray()), cancel);
                await Task.Delay(20, cancel);
                client.Client.LingerState = new LingerOption(true, 0);
                client.Close();
                return new RawResponse { NoAnswer = true };
        }

        return null;
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        byte[] all = new byte[a.Length + b.Length];
        a.CopyTo(all, 0);
        b.CopyTo(all, a.Length);
        return all;
    }

    private static async Task<RawResponse> ReadResponseAsync(NetworkStream stream, CancellationToken cancel, TimeSpan streamRead, Stopwatch clock)
    {
        var data = new List<byte>(4096);
        byte[] chunk = new byte[16384];
        int headerEnd = -1;
        while (headerEnd < 0)
        {
            int read = await stream.ReadAsync(chunk, cancel);
            if (read == 0)
            {
                return new RawResponse { NoAnswer = true, Elapsed = clock.Elapsed };
            }

            data.AddRange(chunk.AsSpan(0, read));
            headerEnd = IndexOf(data, "\r\n\r\n"u8);
        }

        string headText = Encoding.Latin1.GetString(data.GetRange(0, headerEnd).ToArray());
        string[] lines = headText.Split("\r\n");
        string statusLine = lines[0];
        int status = statusLine.Split(' ') is { Length: >= 2 } parts && int.TryParse(parts[1], out int s) ? s : -1;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        var rest = new List<byte>(data.Skip(headerEnd + 4));
        string? length = headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        bool chunked = headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase));
        bool sse = headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && h.Value.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase));
        bool cut = false;

        // An event stream is read for a bounded time: GET and listen streams stay open by design.
        using var streamLimit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (sse)
        {
            streamLimit.CancelAfter(streamRead);
        }

        CancellationToken bodyCancel = streamLimit.Token;
        try
        {
            if (length is not null && long.TryParse(length, out long expected))
            {
                while (rest.Count < expected)
                {
                    int read = await stream.ReadAsync(chunk, bodyCancel);
                    if (read == 0)
                    {
                        break;
                    }

                    rest.AddRange(chunk.AsSpan(0, read));
                }
            }
            else if (status is not (204 or 304) and >= 200)
            {
                // Chunked or close-delimited: read to the end of the connection (Connection: close was sent), and
                // for chunked bodies until the terminating chunk.
                while (!(chunked && EndsWithLastChunk(rest)))
                {
                    int read = await stream.ReadAsync(chunk, bodyCancel);
                    if (read == 0)
                    {
                        break;
                    }

                    rest.AddRange(chunk.AsSpan(0, read));
                }
            }
        }
        catch (OperationCanceledException) when (sse && !cancel.IsCancellationRequested)
        {
            cut = true;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // A reset after the head: keep what arrived.
        }

        byte[] body = chunked ? Dechunk(rest) : [.. rest];
        return new RawResponse { Status = status, StatusLine = statusLine, Headers = headers, Body = body, StreamCutByClient = cut, Elapsed = clock.Elapsed };
    }

    private static bool EndsWithLastChunk(List<byte> data)
    {
        ReadOnlySpan<byte> end = "\r\n0\r\n\r\n"u8;
        if (data.Count == 5 && data[0] == (byte)'0')
        {
            return true;
        }

        if (data.Count < end.Length)
        {
            return false;
        }

        for (int i = 0; i < end.Length; i++)
        {
            if (data[data.Count - end.Length + i] != end[i])
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] Dechunk(List<byte> raw)
    {
        byte[] data = [.. raw];
        var body = new List<byte>(data.Length);
        int at = 0;
        while (at < data.Length)
        {
            int lineEnd = IndexOf(data, "\r\n"u8, at);
            if (lineEnd < 0)
            {
                break;
            }

            string sizeText = Encoding.Latin1.GetString(data, at, lineEnd - at).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, System.Globalization.NumberStyles.HexNumber, null, out int size) || size == 0)
            {
                break;
            }

            int start = lineEnd + 2;
            int take = Math.Min(size, data.Length - start);
            body.AddRange(data.AsSpan(start, take));
            at = start + size + 2;
        }

        return [.. body];
    }

    private static int IndexOf(List<byte> data, ReadOnlySpan<byte> needle) => IndexOf([.. data], needle, 0);

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> needle, int from)
    {
        int found = data.AsSpan(from).IndexOf(needle);
        return found < 0 ? -1 : found + from;
    }
}
