namespace McpGen.IntegrationTests;

/// <summary>
/// Collects what a client hands over from its notification dispatch (progress values, log messages), which may run on
/// several threads at once, and waits, bounded, for late arrivals.
/// </summary>
internal sealed class Collector<T> : IProgress<T>
{
    private readonly List<T> _items = [];

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_items)
            {
                return [.. _items];
            }
        }
    }

    public void Report(T value)
    {
        lock (_items)
        {
            _items.Add(value);
        }
    }

    /// <summary>Returns once <paramref name="count"/> items arrived or <paramref name="limit"/> passed, whichever is first.</summary>
    public async Task WaitForCountAsync(int count, TimeSpan limit)
    {
        DateTime deadline = DateTime.UtcNow + limit;
        while (Items.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }
}
