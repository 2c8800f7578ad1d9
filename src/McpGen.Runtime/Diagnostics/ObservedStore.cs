using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;

namespace McpGen.Diagnostics;

/// <summary>
/// Times one session store or backplane call of a store-backed server: a client span (<c>store get</c>,
/// <c>backplane publish</c>, ...) under the current span (none for background calls without one, such as the expiry
/// sweep) and <c>mcpgen.store.operation.duration</c>. Callers check
/// <see cref="McpTelemetry.StoreObserved"/> first and call the store directly when nobody listens.
/// </summary>
internal static class StoreCall
{
    public static async ValueTask<T> RunAsync<TState, T>(string spanName, string operation, string system, string? channel, TState state, Func<TState, ValueTask<T>> call)
    {
        long started = Stopwatch.GetTimestamp();
        // A child span only: background calls (the expiry sweep) would otherwise start a trace of their own every sweep.
        Activity? span = Activity.Current is not null && McpTelemetry.Source.HasListeners()
            ? McpTelemetry.Source.StartActivity(spanName, ActivityKind.Client)
            : null;
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(McpTelemetryTags.StoreOperation, operation);
            span.SetTag(McpTelemetryTags.StoreSystem, system);
            if (channel is not null)
            {
                span.SetTag(McpTelemetryTags.BackplaneChannel, channel);
            }
        }

        string? errorType = null;
        try
        {
            return await call(state).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            errorType = ex.GetType().FullName ?? ex.GetType().Name;
            if (span is not null)
            {
                span.AddException(ex);
                span.SetStatus(ActivityStatusCode.Error, ex.Message);
                span.SetTag(McpTelemetryTags.ErrorType, errorType);
            }

            throw;
        }
        finally
        {
            span?.Stop();
            if (McpTelemetry.StoreDuration.Enabled)
            {
                var tags = new TagList
                {
                    { McpTelemetryTags.StoreOperation, operation },
                    { McpTelemetryTags.StoreSystem, system },
                };
                if (errorType is not null)
                {
                    tags.Add(McpTelemetryTags.ErrorType, errorType);
                }

                McpTelemetry.StoreDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
        }
    }
}

/// <summary>The application's session store of a store-backed server, observed (<see cref="StoreCall"/>).</summary>
internal sealed class ObservedSessionStore(IMcpSessionStore inner) : IMcpSessionStore
{
    private readonly string _system = inner.GetType().Name;

    public IMcpSessionStore Inner => inner;

    public ValueTask<bool> CreateAsync(McpSessionState session, TimeSpan idleTimeout, int maxSessions, CancellationToken cancellationToken)
        => McpTelemetry.StoreObserved
            ? StoreCall.RunAsync("store create", "create", _system, null, (inner, session, idleTimeout, maxSessions, cancellationToken),
                static s => s.inner.CreateAsync(s.session, s.idleTimeout, s.maxSessions, s.cancellationToken))
            : inner.CreateAsync(session, idleTimeout, maxSessions, cancellationToken);

    public ValueTask<McpSessionState?> GetAsync(string sessionId, bool touch, CancellationToken cancellationToken)
        => McpTelemetry.StoreObserved
            ? StoreCall.RunAsync("store get", "get", _system, null, (inner, sessionId, touch, cancellationToken),
                static s => s.inner.GetAsync(s.sessionId, s.touch, s.cancellationToken))
            : inner.GetAsync(sessionId, touch, cancellationToken);

    public ValueTask<McpSessionUpdate> UpdateAsync(McpSessionState session, CancellationToken cancellationToken)
        => McpTelemetry.StoreObserved
            ? StoreCall.RunAsync("store update", "update", _system, null, (inner, session, cancellationToken),
                static s => s.inner.UpdateAsync(s.session, s.cancellationToken))
            : inner.UpdateAsync(session, cancellationToken);

    public ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
        => McpTelemetry.StoreObserved
            ? StoreCall.RunAsync("store delete", "delete", _system, null, (inner, sessionId, cancellationToken),
                static s => s.inner.DeleteAsync(s.sessionId, s.cancellationToken))
            : inner.DeleteAsync(sessionId, cancellationToken);

    public ValueTask<long> AppendEventAsync(string sessionId, string streamId, ReadOnlyMemory<byte> message, bool last, int capacity, CancellationToken cancellationToken)
        => McpTelemetry.StoreObserved
            ? StoreCall.RunAsync("store append_event", "append_event", _system, null, (inner, sessionId, streamId, message, last, capacity, cancellationToken),
                static s => s.inner.AppendEventAsync(s.sessionId, s.streamId, s.message, s.last, s.capacity, s.cancellationToken))
            : inner.AppendEventAsync(sessionId, streamId, message, last, capacity, cancellationToken);

    public ValueTask<IReadOnlyList<McpStoredEvent>> ReadEventsAsync(string sessionId, string streamId, long afterSequence, CancellationToken cancellationToken)
        => McpTelemetry.StoreObserved
            ? StoreCall.RunAsync("store read_events", "read_events", _system, null, (inner, sessionId, streamId, afterSequence, cancellationToken),
                static s => s.inner.ReadEventsAsync(s.sessionId, s.streamId, s.afterSequence, s.cancellationToken))
            : inner.ReadEventsAsync(sessionId, streamId, afterSequence, cancellationToken);

    public ValueTask<int> RemoveExpiredAsync(CancellationToken cancellationToken)
        => McpTelemetry.StoreObserved
            ? StoreCall.RunAsync("store remove_expired", "remove_expired", _system, null, (inner, cancellationToken),
                static s => s.inner.RemoveExpiredAsync(s.cancellationToken))
            : inner.RemoveExpiredAsync(cancellationToken);
}

/// <summary>The application's backplane of a store-backed server, observed (<see cref="StoreCall"/>): publishes and subscribes.</summary>
internal sealed class ObservedBackplane(IMcpBackplane inner) : IMcpBackplane
{
    private readonly string _system = inner.GetType().Name;

    public IMcpBackplane Inner => inner;

    public IDisposable OnReconnected(Action callback) => inner.OnReconnected(callback);

    public McpBackplaneCounters? Counters => inner.Counters;

    public ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        => McpTelemetry.StoreObserved ? PublishObservedAsync(channel, message, cancellationToken) : inner.PublishAsync(channel, message, cancellationToken);

    public ValueTask<IAsyncDisposable> SubscribeAsync(string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken)
        => McpTelemetry.StoreObserved
            ? StoreCall.RunAsync("backplane subscribe", "subscribe", _system, channel, (inner, channel, handler, cancellationToken),
                static s => s.inner.SubscribeAsync(s.channel, s.handler, s.cancellationToken))
            : inner.SubscribeAsync(channel, handler, cancellationToken);

    private async ValueTask PublishObservedAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        => await StoreCall.RunAsync("backplane publish", "publish", _system, channel, (inner, channel, message, cancellationToken),
            static async s =>
            {
                await s.inner.PublishAsync(s.channel, s.message, s.cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
}
