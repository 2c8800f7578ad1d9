using System;
using System.Collections.Concurrent;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Sessions;

/// <summary>What changed on the server, as the notifications <c>list_changed</c> and <c>resources/updated</c> tell clients.</summary>
internal enum McpChangeKind
{
    ToolsListChanged,
    PromptsListChanged,
    ResourcesListChanged,
    ResourceUpdated,

    /// <summary>
    /// A task's status changed (<c>notifications/tasks</c>; <see cref="McpChange.Uri"/> is the task id). Local to a listen
    /// stream: it comes from the task runtime's own signal channel, never from the change feed's.
    /// </summary>
    TaskStatus,
}

/// <summary>One change; <see cref="Uri"/> is set for <see cref="McpChangeKind.ResourceUpdated"/>.</summary>
internal readonly record struct McpChange(McpChangeKind Kind, string? Uri)
{
    public byte[] Encode() => Kind switch
    {
        McpChangeKind.ToolsListChanged => "t"u8.ToArray(),
        McpChangeKind.PromptsListChanged => "p"u8.ToArray(),
        McpChangeKind.ResourcesListChanged => "r"u8.ToArray(),
        McpChangeKind.TaskStatus => throw new InvalidOperationException("Task status changes travel on the task runtime's channel, not the change feed."),
        _ => Encoding.UTF8.GetBytes("u" + Uri),
    };

    public static McpChange? Decode(ReadOnlySpan<byte> payload) => payload.IsEmpty ? null : payload[0] switch
    {
        (byte)'t' => new McpChange(McpChangeKind.ToolsListChanged, null),
        (byte)'p' => new McpChange(McpChangeKind.PromptsListChanged, null),
        (byte)'r' => new McpChange(McpChangeKind.ResourcesListChanged, null),
        (byte)'u' => new McpChange(McpChangeKind.ResourceUpdated, Encoding.UTF8.GetString(payload[1..])),
        _ => null,
    };
}

/// <summary>
/// The change feed of one server: changes published by <see cref="McpChangeNotifier{TServer}"/> on any replica arrive
/// on the addressed backplane channel <see cref="Channel"/>, and the feed hands them to the streams held by this replica
/// (legacy GET streams, <c>subscriptions/listen</c> streams). Subscribed to the backplane while it has a listener: the
/// first listener subscribes, the last one to leave unsubscribes (so the replica stops receiving the server's changes).
/// </summary>
internal sealed class McpChangeFeed(IMcpBackplane backplane, string serverName)
{
    private readonly ConcurrentDictionary<long, Action<McpChange>> _listeners = new();
    private readonly object _gate = new();
    private Task<IAsyncDisposable>? _subscription;
    private long _next;

    /// <summary>
    /// The addressed channel <c>@{feed}:changes:{server}</c>: the feed address (<c>f</c> and 10 characters of a digest of
    /// the server name) is listened to only by the replicas that hold a listen or GET stream of the server (the feed
    /// subscribes while it has a listener), so a change reaches those and no other replica.
    /// </summary>
    public static string Channel(string serverName)
    {
        byte[] digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(serverName));
        string address = "f" + System.Buffers.Text.Base64Url.EncodeToString(digest.AsSpan(0, 8))[..10];
        return McpBackplaneChannels.Addressed(address, "changes:" + serverName);
    }

    /// <summary>Adds a listener (called on the backplane's thread; must not block) and makes sure the feed is subscribed.</summary>
    public async ValueTask<IDisposable> ListenAsync(Action<McpChange> listener)
    {
        long id = Interlocked.Increment(ref _next);
        Task<IAsyncDisposable> subscription;
        lock (_gate)
        {
            _listeners[id] = listener;
            if (_subscription is null || _subscription.IsFaulted || _subscription.IsCanceled)
            {
                _subscription = backplane.SubscribeAsync(Channel(serverName), OnMessage, CancellationToken.None).AsTask();
            }

            subscription = _subscription;
        }

        try
        {
            await subscription.ConfigureAwait(false);
        }
        catch
        {
            Remove(id);
            throw;
        }

        return new Registration(this, id);
    }

    /// <summary>Removes a listener; the last one ends the feed's backplane subscription.</summary>
    private void Remove(long id)
    {
        Task<IAsyncDisposable>? ended = null;
        lock (_gate)
        {
            if (_listeners.TryRemove(id, out _) && _listeners.IsEmpty && _subscription is not null)
            {
                ended = _subscription;
                _subscription = null;
            }
        }

        if (ended is not null)
        {
            _ = EndAsync(ended);
        }
    }

    private static async Task EndAsync(Task<IAsyncDisposable> subscription)
    {
        try
        {
            await (await subscription.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is McpStoreUnavailableException or OperationCanceledException or ObjectDisposedException)
        {
            // A subscription that failed holds nothing; a disposed backplane holds nothing either.
        }
    }

    private ValueTask OnMessage(ReadOnlyMemory<byte> payload)
    {
        if (McpChange.Decode(payload.Span) is { } change)
        {
            foreach (var listener in _listeners)
            {
                listener.Value(change);
            }
        }

        return ValueTask.CompletedTask;
    }

    private sealed class Registration(McpChangeFeed feed, long id) : IDisposable
    {
        public void Dispose() => feed.Remove(id);
    }
}
