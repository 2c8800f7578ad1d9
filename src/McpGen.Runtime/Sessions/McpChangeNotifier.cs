using System;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Sessions;

namespace McpGen;

/// <summary>
/// Tells the clients of <typeparamref name="TServer"/> that something changed: <c>notifications/tools/list_changed</c>
/// (and prompts, resources) and <c>notifications/resources/updated</c> for a subscribed resource. Inject it anywhere (it
/// is a singleton). The change goes through the backplane, so a change raised on one replica reaches clients whose
/// streams are held by any replica: <c>initialize</c>-era clients on their GET stream (sticky and store-backed servers),
/// 2026-07-28 clients on their <c>subscriptions/listen</c> stream (every mode; across replicas with a shared backplane).
/// </summary>
/// <typeparam name="TServer">The server whose clients are told.</typeparam>
[RequiresMcpSession("change notifications")]
public sealed class McpChangeNotifier<TServer>
    where TServer : class, IMcpServer
{
    private readonly IMcpBackplane _backplane;
    private readonly string _channel = McpChangeFeed.Channel(TServer.Definition.Name);

    /// <summary>Creates the notifier over the application's backplane.</summary>
    public McpChangeNotifier(IMcpBackplane backplane)
    {
        ArgumentNullException.ThrowIfNull(backplane);
        _backplane = backplane;
    }

    /// <summary>Sends <c>notifications/tools/list_changed</c>: clients list tools again.</summary>
    public ValueTask NotifyToolsListChangedAsync(CancellationToken cancellationToken = default)
        => PublishAsync(new McpChange(McpChangeKind.ToolsListChanged, null), cancellationToken);

    /// <summary>Sends <c>notifications/prompts/list_changed</c>: clients list prompts again.</summary>
    public ValueTask NotifyPromptsListChangedAsync(CancellationToken cancellationToken = default)
        => PublishAsync(new McpChange(McpChangeKind.PromptsListChanged, null), cancellationToken);

    /// <summary>Sends <c>notifications/resources/list_changed</c>: clients list resources again.</summary>
    public ValueTask NotifyResourcesListChangedAsync(CancellationToken cancellationToken = default)
        => PublishAsync(new McpChange(McpChangeKind.ResourcesListChanged, null), cancellationToken);

    /// <summary>Sends <c>notifications/resources/updated</c> to the clients subscribed to <paramref name="uri"/>.</summary>
    public ValueTask NotifyResourceUpdatedAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return PublishAsync(new McpChange(McpChangeKind.ResourceUpdated, uri), cancellationToken);
    }

    private ValueTask PublishAsync(McpChange change, CancellationToken cancellationToken)
        => _backplane.PublishAsync(_channel, change.Encode(), cancellationToken);
}
