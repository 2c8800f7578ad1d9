using System.Threading.Tasks;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;

namespace McpGen.Http;

/// <summary>
/// The endpoint's part of the graceful drain (<see cref="McpServerDrain"/>): every POST is counted while it runs, so the
/// host waits for it when it stops; <c>initialize</c> is refused while draining (503, <c>Retry-After</c>); GETs of
/// sticky sessions get 404 saying the session ends with this replica.
/// </summary>
internal sealed partial class McpEndpoint
{
    private Task HandleCountedPostAsync(HttpContext context)
    {
        McpServerDrain drain = Services.Drain;
        drain.Enter();
        Task handled;
        try
        {
            handled = HandlePostAsync(context);
        }
        catch
        {
            drain.Exit();
            throw;
        }

        if (handled.IsCompleted)
        {
            drain.Exit();
            return handled;
        }

        return ExitWhenHandledAsync(handled, drain);
    }

    private static async Task ExitWhenHandledAsync(Task handled, McpServerDrain drain)
    {
        try
        {
            await handled.ConfigureAwait(false);
        }
        finally
        {
            drain.Exit();
        }
    }

    /// <summary><c>initialize</c> while the replica drains: 503 with <c>Retry-After</c>; a load balancer retries it elsewhere.</summary>
    private Task RefuseWhileDrainingAsync(HttpContext context, in JsonRpcMessage message)
    {
        DrainLog.Refused(_logger);
        context.Response.Headers.RetryAfter = "1";
        return Fail(context, message, new McpError(503, JsonRpcErrorCodes.InternalError,
            "Service unavailable: this replica is shutting down and accepts no new sessions. Send initialize again after the "
            + "Retry-After delay: the load balancer routes it to another replica (configure it to retry 503, e.g. haproxy 'retry-on 503', and to take "
            + "replicas out on their readiness check)."));
    }

    /// <summary>
    /// A GET while the replica drains. Store-backed: 503 with <c>Retry-After</c>, so the load balancer (haproxy
    /// <c>retry-on 503</c>) or the client's reconnection opens or resumes the stream on another replica, which replays it
    /// from the shared event log. Sticky: 404, the session lives in this process and ends with it.
    /// </summary>
    private Task RefuseStreamWhileDrainingAsync(HttpContext context)
    {
        if (!_sessions!.IsShared)
        {
            return McpResponses.WriteErrorAsync(context, default, StickySessionEndsError(), _logger);
        }

        context.Response.Headers.RetryAfter = "1";
        return McpResponses.WriteErrorAsync(context, default, new McpError(503, JsonRpcErrorCodes.InternalError,
            "Service unavailable: this replica is shutting down and opens no new streams. Send the GET again (with the same Last-Event-ID) "
            + "after the Retry-After delay: another replica serves the session and replays its events from the shared store."), _logger);
    }

    /// <summary>A sticky session's GET while the replica drains: the session lives in this process and ends with it.</summary>
    private static McpError StickySessionEndsError()
        => new(404, JsonRpcErrorCodes.InvalidRequest,
            "Session not found: this replica is shutting down, and its sticky sessions (held in its memory) end with it. Start a new session with "
            + "initialize, without Mcp-Session-Id. To keep sessions across restarts, use Session = McpSessionMode.Store.");
}
