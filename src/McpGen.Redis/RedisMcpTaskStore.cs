using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Tasks;
using StackExchange.Redis;

namespace McpGen.Redis;

/// <summary>
/// The <see cref="IMcpTaskStore"/> every replica shares: tasks (the 2026-07-28 Tasks extension) as Redis hashes under
/// <see cref="RedisMcpOptions.KeyPrefix"/>. <c>AddMcpGenRedis</c> (and <c>.WithRedisStore</c>) registers it, for servers
/// of every session mode: a stateless fleet with task tools needs it as much as a store-backed one.
/// </summary>
/// <remarks>
/// <para>
/// Keys, for prefix <c>P</c>, task id <c>I</c>, server <c>S</c> and principal digest <c>U</c>: <c>Ptask:{I}</c> the task
/// hash (fields <c>r</c> the record JSON, <c>v</c> version, <c>x</c> expiry ms, <c>kl</c> and <c>kq</c> the names of the
/// two sets below), with a Redis TTL of its expiry plus <see cref="RedisMcpSessionStore.TtlGraceMilliseconds"/> (a
/// safety net: the sweep deletes it first); <c>Ptasks:live:N:S:U</c> (<c>N</c> the UTF-16 length of <c>S</c>) the live
/// tasks of one principal of one server, scored by expiry; <c>Ptasks:lease:N:S</c> the live tasks of one server scored by
/// lease expiry (the lost-worker sweep is one <c>ZRANGEBYSCORE</c>); <c>Ptasks:expiry</c> every task scored by expiry.
/// </para>
/// <para>
/// Every operation is one round trip, a Lua script where it reads and writes, atomic on the server and so strongly
/// consistent (a created task is visible to every replica at once). A replacement is a compare-and-swap on <c>v</c>. The
/// per-principal live-task limit is atomic across replicas: the create script trims the principal's set of tasks past
/// their expiry, counts it and adds to it. Times (leases, expiry) are the replicas' clocks, like every task store's;
/// keep them in sync (NTP). When Redis cannot be reached, calls throw
/// <see cref="McpGen.Sessions.McpStoreUnavailableException"/> at once or within <see cref="RedisMcpOptions.CommandTimeout"/>.
/// Persistence is Redis's: with neither RDB nor AOF a Redis restart loses every task; run it with <c>appendonly yes</c>
/// when tasks must survive one. Redis Cluster is not supported (one primary, with replicas and Sentinel for failover).
/// </para>
/// </remarks>
public sealed class RedisMcpTaskStore : IMcpTaskStore, IAsyncDisposable, IDisposable
{
    /// <summary>How many expired tasks one delete script removes (the sweep repeats until fewer are left).</summary>
    private const int DeleteBatch = 500;

    private readonly RedisMcpConnection _connection;
    private readonly bool _ownsConnection;
    private readonly RedisKey _expiry;
    private readonly string _taskKeyBase;

    /// <summary>Creates a store with its own connection (the application disposes it). With DI, use <c>AddMcpGenRedis</c>.</summary>
    /// <param name="options">Connection and key prefix; checked now (<see cref="ArgumentException"/> names a bad option).</param>
    public RedisMcpTaskStore(RedisMcpOptions options)
        : this(new RedisMcpConnection(options), ownsConnection: true)
    {
    }

    internal RedisMcpTaskStore(RedisMcpConnection connection, bool ownsConnection = false)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
        _expiry = connection.Prefix + "tasks:expiry";
        _taskKeyBase = connection.Prefix + "task:{";
    }

    /// <inheritdoc />
    public ValueTask<bool> CreateAsync(McpTaskRecord task, int maxLiveTasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _connection.RunAsync(
            (Store: this, Task: task with { Version = 1 }, Max: maxLiveTasks),
            static async (db, state) =>
            {
                McpTaskRecord t = state.Task;
                RedisResult result = await db.ScriptEvaluateAsync(
                    Scripts.Create,
                    [state.Store.TaskKey(t.TaskId), state.Store.LiveKey(t), state.Store.LeaseKey(t.ServerName), state.Store._expiry],
                    [
                        t.TaskId,
                        McpTaskRecordJson.Serialize(t),
                        state.Max,
                        Milliseconds(t.CreatedAt),
                        Milliseconds(t.ExpiresAt),
                        Milliseconds(t.LeaseExpiresAt),
                        McpTaskStatuses.IsTerminal(t.Status) ? 0 : 1,
                        RedisMcpSessionStore.TtlGraceMilliseconds,
                    ]).ConfigureAwait(false);
                long code = (long)result;
                if (code < 0)
                {
                    throw new InvalidOperationException($"A task with id '{t.TaskId}' exists.");
                }

                return code == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<McpTaskRecord?> GetAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return _connection.RunAsync(
            TaskKey(taskId),
            static async (db, key) =>
            {
                RedisValue[] fields = await db.HashGetAsync(key, [(RedisValue)"r", (RedisValue)"v"]).ConfigureAwait(false);
                return fields[0].IsNull || fields[1].IsNull ? null : Record(fields[0], fields[1]);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> TryReplaceAsync(McpTaskRecord task, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _connection.RunAsync(
            (Store: this, Task: task, Expected: expectedVersion),
            static async (db, state) =>
            {
                McpTaskRecord t = state.Task;
                RedisResult result = await db.ScriptEvaluateAsync(
                    Scripts.Replace,
                    [state.Store.TaskKey(t.TaskId), state.Store.LiveKey(t), state.Store.LeaseKey(t.ServerName), state.Store._expiry],
                    [
                        t.TaskId,
                        McpTaskRecordJson.Serialize(t with { Version = state.Expected + 1 }),
                        state.Expected,
                        Milliseconds(t.ExpiresAt),
                        Milliseconds(t.LeaseExpiresAt),
                        McpTaskStatuses.IsTerminal(t.Status) ? 0 : 1,
                        RedisMcpSessionStore.TtlGraceMilliseconds,
                    ]).ConfigureAwait(false);
                return (long)result == 1;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<McpTaskRecord>> ListExpiredLeasesAsync(string serverName, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serverName);
        if (max <= 0)
        {
            return ValueTask.FromResult<IReadOnlyList<McpTaskRecord>>([]);
        }

        return _connection.RunAsync(
            (Store: this, Server: serverName, Now: now, Max: max),
            static async (db, state) =>
            {
                RedisResult result = await db.ScriptEvaluateAsync(
                    Scripts.ExpiredLeases,
                    [state.Store.LeaseKey(state.Server)],
                    [Milliseconds(state.Now), state.Max, state.Store._taskKeyBase]).ConfigureAwait(false);
                RedisResult[] pairs = (RedisResult[])result!;
                var tasks = new List<McpTaskRecord>(pairs.Length / 2);
                for (int i = 0; i + 1 < pairs.Length; i += 2)
                {
                    tasks.Add(Record((RedisValue)pairs[i], (RedisValue)pairs[i + 1]));
                }

                return (IReadOnlyList<McpTaskRecord>)tasks;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Deletes in batches of 500 tasks per script, so a large sweep does not block Redis for long.</remarks>
    public ValueTask<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
        => _connection.RunAsync(
            (Store: this, Now: Milliseconds(now)),
            static async (db, state) =>
            {
                int total = 0;
                while (true)
                {
                    RedisResult result = await db.ScriptEvaluateAsync(
                        Scripts.DeleteExpired, [state.Store._expiry], [state.Now, DeleteBatch, state.Store._taskKeyBase]).ConfigureAwait(false);
                    int deleted = (int)result;
                    total += deleted;
                    if (deleted < DeleteBatch)
                    {
                        return total;
                    }
                }
            },
            cancellationToken);

    /// <summary>Disposes the connection when the store created it (the constructor with options).</summary>
    public ValueTask DisposeAsync() => _ownsConnection ? _connection.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Like <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal RedisKey TaskKey(string taskId) => string.Concat(_taskKeyBase, taskId, "}");

    // The server's length keeps the names unambiguous whatever characters server names hold ("a:b" + "c" vs "a" + "b:c").
    internal RedisKey LiveKey(McpTaskRecord task)
        => string.Concat(_connection.Prefix, "tasks:live:", task.ServerName.Length.ToString(CultureInfo.InvariantCulture), ":", task.ServerName, ":", task.PrincipalKey);

    internal RedisKey LeaseKey(string serverName)
        => string.Concat(_connection.Prefix, "tasks:lease:", serverName.Length.ToString(CultureInfo.InvariantCulture), ":", serverName);

    private static McpTaskRecord Record(RedisValue json, RedisValue version)
        => McpTaskRecordJson.Deserialize((byte[])json!, (long)version);

    private static long Milliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <summary>
    /// The Lua scripts of the task store. KEYS of the writing scripts: task hash, the principal's live set, the server's
    /// lease set, the expiry set. A set entry whose task hash is gone (its Redis TTL ended before a sweep) is dropped where
    /// it is met: by score in the create script, by the lease and expiry sweeps.
    /// </summary>
    private static class Scripts
    {
        /// <summary>ARGV: id, record, max live, now ms, expires ms, lease ms, live (1/0), grace ms. Returns 1 created, 0 limit reached, -1 id taken.</summary>
        public const string Create = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
            local max = tonumber(ARGV[3])
            if max > 0 and redis.call('ZCARD', KEYS[2]) >= max then return 0 end
            redis.call('HSET', KEYS[1], 'r', ARGV[2], 'v', '1', 'x', ARGV[5], 'kl', KEYS[2], 'kq', KEYS[3])
            redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[5]) + tonumber(ARGV[8]))
            redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
            if ARGV[7] == '1' then
              redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
              redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1])
            end
            return 1
            """;

        /// <summary>ARGV: id, record, expected version, expires ms, lease ms, live (1/0), grace ms. Returns 1 replaced, 0 changed meanwhile or gone.</summary>
        public const string Replace = """
            local v = redis.call('HGET', KEYS[1], 'v')
            if not v or tonumber(v) ~= tonumber(ARGV[3]) then return 0 end
            redis.call('HSET', KEYS[1], 'r', ARGV[2], 'x', ARGV[4])
            redis.call('HINCRBY', KEYS[1], 'v', 1)
            redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[4]) + tonumber(ARGV[7]))
            redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
            if ARGV[6] == '1' then
              redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
              redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
            else
              redis.call('ZREM', KEYS[2], ARGV[1])
              redis.call('ZREM', KEYS[3], ARGV[1])
            end
            return 1
            """;

        /// <summary>KEYS: lease set. ARGV: now ms, max, task key base. Returns {record, version, ...}, oldest lease first.</summary>
        public const string ExpiredLeases = """
            local max = tonumber(ARGV[2])
            local out = {}
            local found = 0
            while found < max do
              local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', found, max - found)
              if #ids == 0 then break end
              for _, id in ipairs(ids) do
                local h = redis.call('HMGET', ARGV[3] .. id .. '}', 'r', 'v')
                if h[1] and h[2] then
                  out[#out + 1] = h[1]
                  out[#out + 1] = h[2]
                  found = found + 1
                else
                  redis.call('ZREM', KEYS[1], id)
                end
              end
            end
            return out
            """;

        /// <summary>KEYS: expiry set. ARGV: now ms, batch, task key base. Deletes up to a batch of tasks whose expiry is before now; returns how many.</summary>
        public const string DeleteExpired = """
            local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, id in ipairs(ids) do
              local key = ARGV[3] .. id .. '}'
              local h = redis.call('HMGET', key, 'kl', 'kq')
              if h[1] then redis.call('ZREM', h[1], id) end
              if h[2] then redis.call('ZREM', h[2], id) end
              redis.call('DEL', key)
              redis.call('ZREM', KEYS[1], id)
            end
            return #ids
            """;
    }
}
