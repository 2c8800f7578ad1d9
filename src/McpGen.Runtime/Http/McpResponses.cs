using System;
using System.IO.Pipelines;
using System.Threading.Tasks;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Http;

/// <summary>Writes <c>application/json</c> responses: results around precomputed bytes, errors, 202 Accepted.</summary>
internal static class McpResponses
{
    private const string JsonContentType = "application/json";

    /// <summary>Sends <c>{"jsonrpc":"2.0","id":&lt;id&gt;,"result":&lt;result&gt;}</c> with status 200, straight into the response pipe.</summary>
    public static Task WriteResultAsync(HttpContext context, ReadOnlySpan<byte> rawId, ReadOnlySpan<byte> result)
        => WriteResultAsync(context.Response, rawId, result);

    /// <summary>Sends <c>{"jsonrpc":"2.0","id":&lt;id&gt;,"result":&lt;result&gt;}</c> with status 200, straight into the response pipe.</summary>
    public static Task WriteResultAsync(HttpResponse response, ReadOnlySpan<byte> rawId, ReadOnlySpan<byte> result)
    {
        ReadOnlySpan<byte> start = JsonRpcWriter.EnvelopeStart;
        ReadOnlySpan<byte> member = JsonRpcWriter.ResultMember;
        int length = start.Length + rawId.Length + member.Length + result.Length + 1;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        response.ContentLength = length;
        PipeWriter body = response.BodyWriter;
        Span<byte> span = body.GetSpan(length);
        start.CopyTo(span);
        int at = start.Length;
        rawId.CopyTo(span[at..]);
        at += rawId.Length;
        member.CopyTo(span[at..]);
        at += member.Length;
        result.CopyTo(span[at..]);
        at += result.Length;
        span[at] = (byte)'}';
        body.Advance(length);
        return FlushAsync(body);
    }

    /// <summary>Sends an error response with the error's HTTP status. <paramref name="rawId"/> empty means <c>"id": null</c>.</summary>
    public static Task WriteErrorAsync(HttpContext context, ReadOnlySpan<byte> rawId, McpError error, ILogger logger)
        => WriteErrorAsync(context.Response, rawId, error, logger);

    /// <summary>Sends an error response with the error's HTTP status. <paramref name="rawId"/> empty means <c>"id": null</c>.</summary>
    public static Task WriteErrorAsync(HttpResponse response, ReadOnlySpan<byte> rawId, McpError error, ILogger logger)
    {
        McpEndpointLog.RequestRejected(logger, error.HttpStatus, error.Code, error.Message);
        McpGen.Diagnostics.McpOperation.JsonRpcError(error); // inside a request's span: its error.type
        ResponseBuffer buffer = ResponseBuffer.Rent();
        try
        {
            JsonRpcWriter.WriteError(buffer.Json, rawId, error);
            return WriteJsonAsync(response, error.HttpStatus, buffer.WrittenMemory.Span);
        }
        finally
        {
            ResponseBuffer.Return(buffer);
        }
    }

    /// <summary>Sends <paramref name="json"/> as an <c>application/json</c> body (copied into the response pipe).</summary>
    public static Task WriteJsonAsync(HttpContext context, int status, ReadOnlySpan<byte> json)
        => WriteJsonAsync(context.Response, status, json);

    /// <summary>Sends <paramref name="json"/> as an <c>application/json</c> body (copied into the response pipe).</summary>
    public static Task WriteJsonAsync(HttpResponse response, int status, ReadOnlySpan<byte> json)
    {
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = status;
        response.ContentType = JsonContentType;
        response.ContentLength = json.Length;
        PipeWriter body = response.BodyWriter;
        json.CopyTo(body.GetSpan(json.Length));
        body.Advance(json.Length);
        return FlushAsync(body);
    }

    /// <summary>202 Accepted with no body and no content type: the answer to notifications and client responses.</summary>
    public static Task WriteAcceptedAsync(HttpContext context) => WriteAcceptedAsync(context.Response);

    /// <summary>202 Accepted with no body and no content type: the answer to notifications and client responses.</summary>
    public static Task WriteAcceptedAsync(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status202Accepted;
        response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private static Task FlushAsync(PipeWriter body)
    {
        ValueTask<FlushResult> flush = body.FlushAsync();
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : AwaitFlushAsync(flush);
    }

    private static async Task AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException)
        {
            // The client went away; there is no one to answer.
        }
    }
}
