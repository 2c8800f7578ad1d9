using System.Text;
using McpGen.Tasks;

namespace McpGen.Testing;

/// <summary>
/// The <see cref="IMcpTaskStore"/> contract, run against every implementation: strongly consistent create, read,
/// compare-and-swap replacement, the per-principal live-task limit (atomic across replicas), expired leases and expiry.
/// Shared by the store test projects (tests/Contracts, linked into McpGen.PostgreSql.Tests and McpGen.Redis.Tests).
/// </summary>
public abstract class TaskStoreContractTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IMcpTaskStore> NewStoreAsync();

    /// <summary>Another instance over the same data as <paramref name="store"/>: a second replica.</summary>
    protected abstract IMcpTaskStore Replica(IMcpTaskStore store);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static McpTaskRecord NewTask(string principal = "p1", string server = "srv", DateTimeOffset? now = null, TimeSpan? ttl = null)
    {
        DateTimeOffset at = now ?? DateTimeOffset.UtcNow;
        return new McpTaskRecord
        {
            TaskId = McpTaskRuntime.NewTaskId(),
            ServerName = server,
            PrincipalKey = principal,
            ToolName = "job",
            Arguments = Encoding.UTF8.GetBytes("""{"city":"Oslø","n":[1,2]}"""),
            ClientCapabilities = Encoding.UTF8.GetBytes("""{"extensions":{"io.modelcontextprotocol/tasks":{}}}"""),
            Status = McpTaskStatus.Working,
            CreatedAt = at,
            LastUpdatedAt = at,
            TimeToLive = ttl ?? TimeSpan.FromMinutes(10),
            PollInterval = TimeSpan.FromMilliseconds(750),
            LeaseOwner = "replica-a/1234",
            LeaseExpiresAt = at + TimeSpan.FromSeconds(30),
        };
    }

    [Fact]
    public async Task Create_then_get_on_another_replica_round_trips_every_field()
    {
        IMcpTaskStore store = await NewStoreAsync();
        McpTaskRecord task = NewTask() with
        {
            StatusMessage = "50 % ✓",
            InputRequests = new Dictionary<string, byte[]> { ["name"] = Encoding.UTF8.GetBytes("""{"method":"elicitation/create","params":{"message":"Name?"}}""") },
            InputResponses = new Dictionary<string, byte[]> { ["older"] = Encoding.UTF8.GetBytes("""{"action":"accept","content":{"name":"Ann"}}""") },
            Status = McpTaskStatus.InputRequired,
            Attempt = 2,
        };

        Assert.True(await store.CreateAsync(task, 0, None));
        McpTaskRecord? loaded = await Replica(store).GetAsync(task.TaskId, None); // strongly consistent: at once, anywhere

        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.Version);
        Assert.Equal(task.TaskId, loaded.TaskId);
        Assert.Equal("srv", loaded.ServerName);
        Assert.Equal("p1", loaded.PrincipalKey);
        Assert.Equal("job", loaded.ToolName);
        Assert.Equal("""{"city":"Oslø","n":[1,2]}""", Encoding.UTF8.GetString(loaded.Arguments.Span));
        Assert.Equal("""{"extensions":{"io.modelcontextprotocol/tasks":{}}}""", Encoding.UTF8.GetString(loaded.ClientCapabilities.Span));
        Assert.Equal(McpTaskStatus.InputRequired, loaded.Status);
        Assert.Equal("50 % ✓", loaded.StatusMessage);
        Assert.Equal(task.CreatedAt.ToUnixTimeMilliseconds(), loaded.CreatedAt.ToUnixTimeMilliseconds());
        Assert.Equal(task.LastUpdatedAt.ToUnixTimeMilliseconds(), loaded.LastUpdatedAt.ToUnixTimeMilliseconds());
        Assert.Equal(TimeSpan.FromMinutes(10), loaded.TimeToLive);
        Assert.Equal(TimeSpan.FromMilliseconds(750), loaded.PollInterval);
        Assert.Equal("replica-a/1234", loaded.LeaseOwner);
        Assert.Equal(task.LeaseExpiresAt.ToUnixTimeMilliseconds(), loaded.LeaseExpiresAt.ToUnixTimeMilliseconds());
        Assert.Equal(2, loaded.Attempt);
        Assert.Equal("""{"method":"elicitation/create","params":{"message":"Name?"}}""", Encoding.UTF8.GetString(Assert.Single(loaded.InputRequests).Value));
        Assert.Equal("older", Assert.Single(loaded.InputResponses).Key);
        Assert.Null(await store.GetAsync("no-such-task", None));
    }

    [Fact]
    public async Task A_second_create_of_the_same_id_throws()
    {
        IMcpTaskStore store = await NewStoreAsync();
        McpTaskRecord task = NewTask();
        Assert.True(await store.CreateAsync(task, 0, None));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Replica(store).CreateAsync(task, 0, None));
    }

    [Fact]
    public async Task Replace_is_a_compare_and_swap_on_the_version()
    {
        IMcpTaskStore store = await NewStoreAsync();
        McpTaskRecord task = NewTask();
        Assert.True(await store.CreateAsync(task, 0, None));
        IMcpTaskStore other = Replica(store);

        McpTaskRecord read = (await store.GetAsync(task.TaskId, None))!;
        Assert.True(await other.TryReplaceAsync(read with { Status = McpTaskStatus.Completed, Result = Encoding.UTF8.GetBytes("""{"content":[]}"""), LeaseOwner = null }, read.Version, None));
        Assert.False(await store.TryReplaceAsync(read with { Status = McpTaskStatus.Cancelled }, read.Version, None)); // lost the race

        McpTaskRecord final = (await store.GetAsync(task.TaskId, None))!;
        Assert.Equal(2, final.Version);
        Assert.Equal(McpTaskStatus.Completed, final.Status);
        Assert.Equal("""{"content":[]}""", Encoding.UTF8.GetString(final.Result.Span));
        Assert.Null(final.LeaseOwner);
        Assert.False(await store.TryReplaceAsync(NewTask(), 1, None)); // a task that does not exist
    }

    [Fact]
    public async Task Concurrent_replacements_from_two_replicas_apply_exactly_once_each()
    {
        IMcpTaskStore store = await NewStoreAsync();
        McpTaskRecord task = NewTask();
        Assert.True(await store.CreateAsync(task, 0, None));
        IMcpTaskStore[] replicas = [store, Replica(store)];

        // Each writer appends its own key to InputRequests with read-modify-CAS until it wins; none may be lost.
        const int writers = 8;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            IMcpTaskStore mine = replicas[i % 2];
            for (int attempt = 0; attempt < 200; attempt++)
            {
                McpTaskRecord current = (await mine.GetAsync(task.TaskId, None))!;
                var requests = new Dictionary<string, byte[]>(current.InputRequests) { ["k" + i] = Encoding.UTF8.GetBytes("{}") };
                if (await mine.TryReplaceAsync(current with { InputRequests = requests }, current.Version, None))
                {
                    return;
                }
            }

            Assert.Fail("A writer never won the compare-and-swap.");
        })));

        McpTaskRecord final = (await store.GetAsync(task.TaskId, None))!;
        Assert.Equal(1 + writers, final.Version);
        Assert.Equal(Enumerable.Range(0, writers).Select(i => "k" + i).Order(), final.InputRequests.Keys.Order());
    }

    [Fact]
    public async Task The_live_task_limit_holds_per_principal_and_server_even_under_concurrent_creates()
    {
        IMcpTaskStore store = await NewStoreAsync();
        IMcpTaskStore other = Replica(store);
        bool[] created = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? store : other).CreateAsync(NewTask("alice"), 3, None).AsTask()));
        Assert.Equal(3, created.Count(c => c));

        Assert.True(await store.CreateAsync(NewTask("bob"), 3, None));
        Assert.True(await store.CreateAsync(NewTask("alice", server: "other-server"), 3, None));
        Assert.True(await store.CreateAsync(NewTask("alice"), 0, None)); // 0: no limit

        // A finished task no longer counts.
        McpTaskRecord finished = NewTask("carol");
        Assert.True(await store.CreateAsync(finished, 1, None));
        Assert.False(await store.CreateAsync(NewTask("carol"), 1, None));
        McpTaskRecord read = (await store.GetAsync(finished.TaskId, None))!;
        Assert.True(await store.TryReplaceAsync(read with { Status = McpTaskStatus.Failed }, read.Version, None));
        Assert.True(await store.CreateAsync(NewTask("carol"), 1, None));
    }

    [Fact]
    public async Task Expired_leases_list_only_live_tasks_of_the_server_oldest_first()
    {
        IMcpTaskStore store = await NewStoreAsync();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        McpTaskRecord older = NewTask() with { LeaseExpiresAt = now - TimeSpan.FromSeconds(20) };
        McpTaskRecord newer = NewTask() with { LeaseExpiresAt = now - TimeSpan.FromSeconds(5), Status = McpTaskStatus.InputRequired };
        McpTaskRecord held = NewTask() with { LeaseExpiresAt = now + TimeSpan.FromSeconds(30) };
        McpTaskRecord done = NewTask() with { LeaseExpiresAt = now - TimeSpan.FromSeconds(30), Status = McpTaskStatus.Completed };
        McpTaskRecord elsewhere = NewTask(server: "other") with { LeaseExpiresAt = now - TimeSpan.FromSeconds(30) };
        foreach (McpTaskRecord task in new[] { older, newer, held, done, elsewhere })
        {
            Assert.True(await store.CreateAsync(task, 0, None));
        }

        IReadOnlyList<McpTaskRecord> lost = await Replica(store).ListExpiredLeasesAsync("srv", now, 10, None);
        Assert.Equal([older.TaskId, newer.TaskId], lost.Select(t => t.TaskId));
        Assert.All(lost, t => Assert.Equal(1, t.Version));
        Assert.Single(await store.ListExpiredLeasesAsync("srv", now, 1, None));
    }

    [Fact]
    public async Task Tasks_past_their_time_to_live_are_deleted()
    {
        IMcpTaskStore store = await NewStoreAsync();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        McpTaskRecord expired = NewTask(now: now - TimeSpan.FromMinutes(2), ttl: TimeSpan.FromMinutes(1));
        McpTaskRecord live = NewTask(now: now, ttl: TimeSpan.FromMinutes(1));
        Assert.True(await store.CreateAsync(expired, 0, None));
        Assert.True(await store.CreateAsync(live, 0, None));

        Assert.Equal(1, await Replica(store).DeleteExpiredAsync(now, None));
        Assert.Null(await store.GetAsync(expired.TaskId, None));
        Assert.NotNull(await store.GetAsync(live.TaskId, None));
        Assert.Equal(0, await store.DeleteExpiredAsync(now, None));
    }
}
