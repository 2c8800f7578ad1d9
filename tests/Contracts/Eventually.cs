namespace McpGen.Testing;

/// <summary>Bounded waiting for things that happen asynchronously (deliveries, reconnects).</summary>
internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> after <paramref name="limit"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan limit, string what)
    {
        DateTime deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>Collects what a backplane subscription delivers, thread-safely, with bounded waits.</summary>
internal sealed class Received
{
    private readonly List<byte[]> _messages = [];

    public ValueTask Handle(ReadOnlyMemory<byte> message)
    {
        lock (_messages)
        {
            _messages.Add(message.ToArray());
        }

        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<byte[]> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IReadOnlyList<string> Texts => [.. Messages.Select(m => System.Text.Encoding.UTF8.GetString(m))];

    public Task WaitForCountAsync(int count, TimeSpan? limit = null)
        => Eventually.TrueAsync(() => Messages.Count >= count, limit ?? TimeSpan.FromSeconds(10), $"{count} messages (have {Messages.Count})");
}
