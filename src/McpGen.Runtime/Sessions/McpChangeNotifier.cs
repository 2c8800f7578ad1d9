using System;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen;

/// <summary>
/// Tells a server's clients that something changed: <c>notifications/tools/list_changed</c> (and prompts, resources)
/// and <c>notifications/resources/updated</c> for a subscribed resource. The change goes through the backplane, so a
/// change raised on one replica reaches clients whose streams are held by any replica: <c>initialize</c>-era clients on
/// their GET stream (sticky and store-backed servers), 2026-07-28 clients on their <c>subscriptions/listen</c> stream
/// (every mode; across replicas with a shared backplane). Clients of a stateless server that speak 2025-11-25 or older
/// have no stream to receive them on.
/// </summary>
[RequiresMcpSession("change notifications")]
public interface IMcpChangeNotifier
{
    /// <summary>Sends <c>notifications/tools/list_changed</c>: clients list tools again.</summary>
    ValueTask NotifyToolsListChangedAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends <c>notifications/prompts/list_changed</c>: clients list prompts again.</summary>
    ValueTask NotifyPromptsListChangedAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends <c>notifications/resources/list_changed</c>: clients list resources again.</summary>
    ValueTask NotifyResourcesListChangedAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends <c>notifications/resources/updated</c> to the clients subscribed to <paramref name="uri"/>.</summary>
    ValueTask NotifyResourceUpdatedAsync(string uri, CancellationToken cancellationToken = default);
}

/// <summary>
/// The <see cref="IMcpChangeNotifier"/> of <typeparamref name="TServer"/>: inject it anywhere (a singleton registered by
/// <c>AddMcpServer&lt;TServer&gt;()</c>). Inside a tool, <see cref="McpRequestContext.Changes"/> is the same thing.
/// </summary>
/// <typeparam name="TServer">The server whose clients are told.</typeparam>
[RequiresMcpSession("change notifications")]
public sealed class McpChangeNotifier<TServer> : IMcpChangeNotifier
    where TServer : class, IMcpServer
{
    private readonly ChangeNotifier _inner;

    /// <summary>Creates the notifier over the application's backplane.</summary>
    public McpChangeNotifier(IMcpBackplane backplane)
    {
        ArgumentNullException.ThrowIfNull(backplane);
        _inner = new ChangeNotifier(backplane, TServer.Definition.Name);
    }

    /// <inheritdoc/>
    public ValueTask NotifyToolsListChangedAsync(CancellationToken cancellationToken = default) => _inner.NotifyToolsListChangedAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask NotifyPromptsListChangedAsync(CancellationToken cancellationToken = default) => _inner.NotifyPromptsListChangedAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask NotifyResourcesListChangedAsync(CancellationToken cancellationToken = default) => _inner.NotifyResourcesListChangedAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask NotifyResourceUpdatedAsync(string uri, CancellationToken cancellationToken = default) => _inner.NotifyResourceUpdatedAsync(uri, cancellationToken);
}
