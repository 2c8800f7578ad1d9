namespace McpGen.Redis;

/// <summary>
/// The Lua scripts of the session store: each operation that reads and writes runs as one script, atomic on the server.
/// Times come from the server clock (<c>TIME</c>), so replicas with skewed clocks agree on expiry.
/// </summary>
/// <remarks>
/// Keys, for prefix <c>P</c> and session id <c>I</c>: <c>P{I}</c> the session hash (fields <c>s</c> state JSON, <c>i</c>
/// idle timeout ms, <c>c</c> created ms, <c>l</c> last seen ms, <c>v</c> version, <c>x</c> expiry ms or -1 for never);
/// <c>P{I}:q</c> the stream index hash (stream id → last sequence number); <c>P{I}:e:STREAM</c> one Redis Stream per
/// event stream (entry id <c>SEQ-0</c>, fields <c>m</c> message, <c>l</c> last flag); <c>Plive</c> the sorted set of
/// sessions scored by expiry (the session limit counts it, the cleanup walks it). The keys of a session also carry a
/// Redis TTL of the idle timeout plus <see cref="RedisMcpSessionStore.TtlGraceMilliseconds"/>, refreshed with every
/// touch: a safety net, so that nothing outlives its session even when no cleanup runs.
/// </remarks>
internal static class RedisMcpScripts
{
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local function n(x) return string.format('%d', x) end
        """;

    /// <summary>KEYS: session, live. ARGV: id, state, idle ms, created ms (-1: now), max sessions, version, grace ms. Returns 1 created, 0 full, -1 id taken.</summary>
    public const string Create = Now + """

        if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
        local max = tonumber(ARGV[5])
        if max > 0 and redis.call('ZCOUNT', KEYS[2], '(' .. n(now), '+inf') >= max then return 0 end
        local idle = tonumber(ARGV[3])
        local created = tonumber(ARGV[4])
        if created < 0 then created = now end
        local expires = -1
        if idle > 0 then expires = now + idle end
        redis.call('HSET', KEYS[1], 's', ARGV[2], 'i', n(idle), 'c', n(created), 'l', n(now), 'v', ARGV[6], 'x', n(expires))
        if idle > 0 then
          redis.call('ZADD', KEYS[2], n(expires), ARGV[1])
          redis.call('PEXPIRE', KEYS[1], idle + tonumber(ARGV[7]))
        else
          redis.call('ZADD', KEYS[2], '+inf', ARGV[1])
        end
        return 1
        """;

    /// <summary>
    /// KEYS: session, live, index. ARGV: touch (1/0), id, stream key base, grace ms. Returns nil (gone) or
    /// {state, created ms, last seen ms, version}. A touch is written only when the stored last-seen time is older than 1%
    /// of the idle timeout.
    /// </summary>
    public const string Get = Now + """

        local h = redis.call('HMGET', KEYS[1], 's', 'c', 'l', 'v', 'x', 'i')
        if not h[1] then return nil end
        local expires = tonumber(h[5])
        if expires >= 0 and expires <= now then return nil end
        local last = tonumber(h[3])
        local idle = tonumber(h[6])
        if ARGV[1] == '1' and idle > 0 and last < now - idle / 100 then
          last = now
          expires = now + idle
          redis.call('HSET', KEYS[1], 'l', n(now), 'x', n(expires))
          redis.call('ZADD', KEYS[2], n(expires), ARGV[2])
          local ttl = idle + tonumber(ARGV[4])
          redis.call('PEXPIRE', KEYS[1], ttl)
          if redis.call('PEXPIRE', KEYS[3], ttl) == 1 then
            for _, stream in ipairs(redis.call('HKEYS', KEYS[3])) do redis.call('PEXPIRE', ARGV[3] .. stream, ttl) end
          end
        end
        return {h[1], h[2], n(last), h[4]}
        """;

    /// <summary>KEYS: session. ARGV: state, expected version. Returns the new version, -1 conflict, -2 gone.</summary>
    public const string Update = Now + """

        local h = redis.call('HMGET', KEYS[1], 'v', 'x')
        if not h[1] then return -2 end
        local expires = tonumber(h[2])
        if expires >= 0 and expires <= now then return -2 end
        if tonumber(h[1]) ~= tonumber(ARGV[2]) then return -1 end
        redis.call('HSET', KEYS[1], 's', ARGV[1])
        return redis.call('HINCRBY', KEYS[1], 'v', 1)
        """;

    /// <summary>KEYS: session, live, index. ARGV: id, stream key base. Returns 1 deleted, 0 unknown.</summary>
    public const string Delete = """
        for _, stream in ipairs(redis.call('HKEYS', KEYS[3])) do redis.call('DEL', ARGV[2] .. stream) end
        redis.call('DEL', KEYS[3])
        redis.call('ZREM', KEYS[2], ARGV[1])
        return redis.call('DEL', KEYS[1])
        """;

    /// <summary>
    /// KEYS: session, index, stream. ARGV: stream id, message, last (1/0), capacity. Returns the event's sequence number,
    /// or 0 when the session does not exist. The number comes from the index hash (HINCRBY) in the same script as the
    /// XADD, so appends from any number of replicas get consecutive numbers.
    /// </summary>
    public const string Append = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        local seq = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
        local cap = tonumber(ARGV[4])
        if cap > 0 then
          redis.call('XADD', KEYS[3], 'MAXLEN', cap, seq .. '-0', 'm', ARGV[2], 'l', ARGV[3])
        else
          redis.call('XADD', KEYS[3], seq .. '-0', 'm', ARGV[2], 'l', ARGV[3])
        end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl > 0 then
          redis.call('PEXPIRE', KEYS[2], ttl)
          redis.call('PEXPIRE', KEYS[3], ttl)
        end
        return seq
        """;

    /// <summary>KEYS: live. ARGV: prefix, batch size. Deletes up to a batch of expired sessions with their events; returns how many.</summary>
    public const string RemoveExpired = Now + """

        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', n(now), 'LIMIT', 0, tonumber(ARGV[2]))
        for _, id in ipairs(ids) do
          local session = ARGV[1] .. '{' .. id .. '}'
          local index = session .. ':q'
          for _, stream in ipairs(redis.call('HKEYS', index)) do redis.call('DEL', session .. ':e:' .. stream) end
          redis.call('DEL', index, session)
          redis.call('ZREM', KEYS[1], id)
        end
        return #ids
        """;
}
