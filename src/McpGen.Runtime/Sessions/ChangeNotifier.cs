using System;
using System.Threading;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Sessions;

/// <summary>Publishes changes of one server (by name) on its backplane channel.</summary>
internal sealed class ChangeNotifier(IMcpBackplane backplane, string serverName) : IMcpChangeNotifier
{
    private readonly string _channel = McpChangeFeed.Channel(serverName);

    public ValueTask NotifyToolsListChangedAsync(CancellationToken cancellationToken = default)
        => PublishAsync(new McpChange(McpChangeKind.ToolsListChanged, null), cancellationToken);

    public ValueTask NotifyPromptsListChangedAsync(CancellationToken cancellationToken = default)
        => PublishAsync(new McpChange(McpChangeKind.PromptsListChanged, null), cancellationToken);

    public ValueTask NotifyResourcesListChangedAsync(CancellationToken cancellationToken = default)
        => PublishAsync(new McpChange(McpChangeKind.ResourcesListChanged, null), cancellationToken);

    public ValueTask NotifyResourceUpdatedAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return PublishAsync(new McpChange(McpChangeKind.ResourceUpdated, uri), cancellationToken);
    }

    private ValueTask PublishAsync(McpChange change, CancellationToken cancellationToken)
        => backplane.PublishAsync(_channel, change.Encode(), cancellationToken);
}
