using System;
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Streaming;

/// <summary>Writes Server-Sent Events into a response pipe: message events (with an optional id), priming events, retry and comments.</summary>
internal static class SseFormat
{
    private static ReadOnlySpan<byte> IdField => "id: "u8;

    private static ReadOnlySpan<byte> MessageStart => "event: message\ndata: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    /// <summary>Starts an event-stream response: 200, <c>text/event-stream</c>, no caching, no proxy buffering (nginx).</summary>
    public static void StartResponse(Microsoft.AspNetCore.Http.HttpResponse response)
    {
        response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary><c>id: {id}\nevent: message\ndata: {json}\n\n</c> (no id line when <paramref name="id"/> is null).</summary>
    public static void WriteMessage(PipeWriter body, string? id, ReadOnlySpan<byte> json)
    {
        if (id is not null)
        {
            WriteIdLine(body, id);
        }

        int length = MessageStart.Length + json.Length + EventEnd.Length;
        Span<byte> span = body.GetSpan(length);
        MessageStart.CopyTo(span);
        json.CopyTo(span[MessageStart.Length..]);
        EventEnd.CopyTo(span[(MessageStart.Length + json.Length)..]);
        body.Advance(length);
    }

    /// <summary>
    /// The priming event of 2025-11-25 resumability: an id and empty data, so the client can reconnect with
    /// <c>Last-Event-ID</c> before any message arrives, plus the reconnection delay.
    /// </summary>
    public static void WritePriming(PipeWriter body, string id, TimeSpan retry)
    {
        WriteIdLine(body, id);
        WriteRetryLine(body, retry);
        body.Write("data: \n\n"u8);
    }

    /// <summary>A bare <c>retry</c> field (its own event block), sent before the server closes a stream.</summary>
    public static void WriteRetry(PipeWriter body, TimeSpan retry)
    {
        WriteRetryLine(body, retry);
        body.Write("\n"u8);
    }

    /// <summary>A comment line, to keep idle connections open through proxies.</summary>
    public static void WriteKeepAlive(PipeWriter body) => body.Write(": keep-alive\n\n"u8);

    private static void WriteIdLine(PipeWriter body, string id)
    {
        body.Write(IdField);
        int max = Encoding.UTF8.GetMaxByteCount(id.Length);
        int written = Encoding.UTF8.GetBytes(id, body.GetSpan(max));
        body.Advance(written);
        body.Write("\n"u8);
    }

    private static void WriteRetryLine(PipeWriter body, TimeSpan retry)
    {
        body.Write("retry: "u8);
        long ms = Math.Max(0, (long)retry.TotalMilliseconds);
        Span<byte> span = body.GetSpan(24);
        ms.TryFormat(span, out int written, provider: CultureInfo.InvariantCulture);
        body.Advance(written);
        body.Write("\n"u8);
    }
}
