using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace McpGen.Security;

/// <summary>The outcome of reading a request body.</summary>
internal enum BodyReadStatus
{
    Ok,

    /// <summary>The body is larger than <see cref="McpServerOptions.MaxRequestBodySize"/> (413).</summary>
    TooLarge,

    /// <summary>
    /// The client went away or sent a body that cannot be read to its end; the response status is already set (400, or
    /// 408 for a body that stopped arriving) and nothing more is to be written.
    /// </summary>
    Aborted,
}

/// <summary>
/// Reads the request body into a buffer rented from <see cref="ArrayPool{T}"/>, enforcing
/// <see cref="McpServerOptions.MaxRequestBodySize"/>: up front from <c>Content-Length</c>, and while reading for chunked bodies;
/// and <see cref="McpServerOptions.BodyReadIdleTimeout"/>: a read that waits longer than that for the next bytes ends the
/// request with 408 (a truncated chunked body, a client that stopped sending), instead of waiting for Kestrel's
/// <c>MinRequestBodyDataRate</c> (which judges an average rate after a grace period, not silence).
/// </summary>
internal static class RequestBodyReader
{
    private const int InitialChunkedSize = 4096;

    /// <summary>
    /// Reads the whole body. On <see cref="BodyReadStatus.Ok"/>, <c>Buffer</c> is rented (return it with
    /// <see cref="ArrayPool{T}.Shared"/>) and holds <c>Length</c> bytes.
    /// </summary>
    public static async ValueTask<(BodyReadStatus Status, byte[]? Buffer, int Length)> ReadAsync(HttpContext context, long limit, TimeSpan idleTimeout = default)
    {
        HttpRequest request = context.Request;
        long? declared = request.ContentLength;
        if (declared > limit)
        {
            return (BodyReadStatus.TooLarge, null, 0);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature
            && (sizeFeature.MaxRequestBodySize is null || sizeFeature.MaxRequestBodySize < limit))
        {
            // Let the server's own limit sit above ours, so ours decides and answers with a JSON-RPC body.
            sizeFeature.MaxRequestBodySize = limit + 1;
        }

        if (declared == 0)
        {
            return (BodyReadStatus.Ok, ArrayPool<byte>.Shared.Rent(1), 0);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(declared is { } size ? (int)size : InitialChunkedSize);
        int length = 0;
        PipeReader reader = request.BodyReader;
        bool timed = idleTimeout > TimeSpan.Zero && idleTimeout != Timeout.InfiniteTimeSpan;
        CancellationTokenSource? idle = null;
        CancellationTokenRegistration cancelRead = default;
        try
        {
            while (true)
            {
                if (!reader.TryRead(out ReadResult result))
                {
                    if (timed && idle is null)
                    {
                        // Armed only when a read has to wait: a body already buffered costs no timer.
                        idle = new CancellationTokenSource();
                        cancelRead = idle.Token.Register(static r => ((PipeReader)r!).CancelPendingRead(), reader);
                    }

                    idle?.CancelAfter(idleTimeout);
                    // No token: a client that goes away ends the read itself (an exception or a completed result), and
                    // a cancelled ReadAsync can leave Kestrel's body reader unable to drain what is left after the
                    // response ("body reader is in an invalid state", an Error log). The idle timer cancels the read
                    // the supported way, CancelPendingRead.
                    result = await reader.ReadAsync().ConfigureAwait(false);
                    if (result.IsCanceled && idle is { IsCancellationRequested: true })
                    {
                        reader.AdvanceTo(result.Buffer.Start);
                        ArrayPool<byte>.Shared.Return(buffer);
                        if (!context.Response.HasStarted)
                        {
                            context.Response.StatusCode = StatusCodes.Status408RequestTimeout;
                            context.Response.Headers.Connection = "close";
                        }

                        return (BodyReadStatus.Aborted, null, 0);
                    }

                    idle?.CancelAfter(Timeout.InfiniteTimeSpan);
                }

                ReadOnlySequence<byte> data = result.Buffer;
                if (length + data.Length > limit)
                {
                    reader.AdvanceTo(data.End);
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (BodyReadStatus.TooLarge, null, 0);
                }

                if (length + data.Length > buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, Math.Max(buffer.Length * 2L, length + data.Length)));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                data.CopyTo(buffer.AsSpan(length));
                length += (int)data.Length;
                reader.AdvanceTo(data.End);

                // With a Content-Length, the body is complete once that many bytes are in: skip the final empty read.
                if (result.IsCompleted || result.IsCanceled || length == declared)
                {
                    return (BodyReadStatus.Ok, buffer, length);
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (BodyReadStatus.TooLarge, null, 0);
        }
        catch (BadHttpRequestException ex)
        {
            // A body that cannot be read to its end (bad chunked framing, fewer bytes than Content-Length, a client that
            // stops sending: 408): the client may still be there, so it gets the HTTP status saying what went wrong
            // rather than the 200 an endpoint that writes nothing would send.
            ArrayPool<byte>.Shared.Return(buffer);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = ex.StatusCode;
                context.Response.ContentLength = 0;
            }

            return (BodyReadStatus.Aborted, null, 0);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away: nobody is left to answer. The status only matters to logs and proxies.
            ArrayPool<byte>.Shared.Return(buffer);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentLength = 0;
            }

            return (BodyReadStatus.Aborted, null, 0);
        }
        finally
        {
            cancelRead.Dispose();
            idle?.Dispose();
        }
    }
}
