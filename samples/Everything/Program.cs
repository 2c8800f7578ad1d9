// The conformance fixture server. Usage:
//   dotnet run --project samples/Everything -- --mode stateless|sticky|store [--urls http://127.0.0.1:5100]
//     [--postgres CONNECTION_STRING [--pg-schema NAME] | --redis HOST:PORT [--redis-prefix PREFIX]] [--keys DIR] [--log-format json]
//     [--task-lease-ms N] [--task-sweep-ms N]
//     [--metrics true] (GET /debug/backplane: this replica's backplane counters as JSON)
// Serves MCP at /mcp. GET /healthz is readiness (McpGen's "ready" checks: 503 "Unhealthy" while draining or while the
// PostgreSQL store is unreachable; haproxy's httpchk and the fleet tests use it); GET /healthz/live is liveness (200 while
// the process serves HTTP). Binds to 127.0.0.1:5100 unless --urls says otherwise.
// With MCPGEN_REPLICA_ID set (one replica among several behind a load balancer, see docs/deployment.md), every response
// names the replica that answered in an X-McpGen-Replica header.
using Everything;
using McpGen;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateSlimBuilder(args);
string mode = (builder.Configuration["mode"] ?? "stateless").Trim().ToLowerInvariant();
if (!EverythingSetup.IsKnownMode(mode))
{
    Console.Error.WriteLine($"Unknown --mode '{mode}': use stateless, sticky or store.");
    return 2;
}

if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5100");
}

builder.Services.AddEverything(mode);

// Tasks: --task-lease-ms and --task-sweep-ms shorten how long a lost replica's tasks stay working (the fleet tests kill
// replicas; the defaults are 30 s and 5 s).
if (int.TryParse(builder.Configuration["task-lease-ms"], out int leaseMs) | int.TryParse(builder.Configuration["task-sweep-ms"], out int sweepMs))
{
    builder.Services.AddMcpServerCore(o =>
    {
        if (leaseMs > 0)
        {
            o.Tasks.LeaseDuration = TimeSpan.FromMilliseconds(leaseMs);
        }

        if (sweepMs > 0)
        {
            o.Tasks.SweepInterval = TimeSpan.FromMilliseconds(sweepMs);
        }
    });
}

// --log-format json: one JSON object per log line, scopes included (tests/McpGen.Fuzz reads them to check that client
// mistakes never log an Error). A request carrying X-Fuzz-Id gets it as its TraceIdentifier and in a scope, so every log
// line about that request names it, Kestrel's own included.
bool jsonLogs = string.Equals(builder.Configuration["log-format"], "json", StringComparison.OrdinalIgnoreCase);
if (jsonLogs)
{
    builder.Logging.ClearProviders();
    builder.Logging.AddJsonConsole(o =>
    {
        o.IncludeScopes = true;
        o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
    });
}

// Several replicas of the store mode share sessions, SSE event logs and the backplane through PostgreSQL:
// --postgres "Host=...;Database=..." (or MCPGEN_POSTGRES). Without it the store is in memory (one process).
// --pg-schema NAME (or MCPGEN_PG_SCHEMA) puts the tables in another schema than "mcpgen": one fleet per schema.
string? postgres = builder.Configuration["postgres"] ?? Environment.GetEnvironmentVariable("MCPGEN_POSTGRES");
if (!string.IsNullOrEmpty(postgres))
{
    string? schema = builder.Configuration["pg-schema"] ?? Environment.GetEnvironmentVariable("MCPGEN_PG_SCHEMA");
    builder.Services.AddMcpGenPostgreSql(postgres, options =>
    {
        if (!string.IsNullOrEmpty(schema))
        {
            options.SchemaName = schema;
        }
    });
}

// Or through Redis: --redis "127.0.0.1:6379" (or MCPGEN_REDIS), a StackExchange.Redis configuration string;
// --redis-prefix PREFIX (or MCPGEN_REDIS_PREFIX) keys one fleet apart from another in one Redis (default "mcpgen:").
string? redis = builder.Configuration["redis"] ?? Environment.GetEnvironmentVariable("MCPGEN_REDIS");
if (!string.IsNullOrEmpty(redis))
{
    if (!string.IsNullOrEmpty(postgres))
    {
        Console.Error.WriteLine("Both --postgres and --redis are set: pick one store.");
        return 2;
    }

    string? prefix = builder.Configuration["redis-prefix"] ?? Environment.GetEnvironmentVariable("MCPGEN_REDIS_PREFIX");
    builder.Services.AddMcpGenRedis(redis, options =>
    {
        if (!string.IsNullOrEmpty(prefix))
        {
            options.KeyPrefix = prefix;
        }
    });
}

// Replicas must share Data Protection keys to accept each other's sealed 2026-07-28 requestState:
// --keys DIR (or MCPGEN_KEYS_DIR), a directory every replica can read and write.
string? keys = builder.Configuration["keys"] ?? Environment.GetEnvironmentVariable("MCPGEN_KEYS_DIR");
if (!string.IsNullOrEmpty(keys))
{
    builder.Services.AddDataProtection().SetApplicationName("mcpgen-everything").PersistKeysToFileSystem(new DirectoryInfo(keys));
}

var app = builder.Build();
string? replicaId = Environment.GetEnvironmentVariable("MCPGEN_REPLICA_ID");
if (!string.IsNullOrEmpty(replicaId))
{
    app.Use((context, next) =>
    {
        context.Response.Headers["X-McpGen-Replica"] = replicaId;
        return next(context);
    });
}

if (jsonLogs)
{
    ILogger fuzzLogger = app.Logger;
    app.Use(async (context, next) =>
    {
        string? fuzzId = context.Request.Headers["X-Fuzz-Id"];
        if (string.IsNullOrEmpty(fuzzId))
        {
            await next(context);
            return;
        }

        context.TraceIdentifier = "fuzz-" + fuzzId;
        using (fuzzLogger.BeginScope(new Dictionary<string, object> { ["FuzzId"] = fuzzId }))
        {
            await next(context);
        }
    });
}

app.MapEverything(mode);
app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains(McpHealthChecks.ReadyTag) });
app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = static _ => false });

// --metrics (benchmarks/fleet-load.sh): GET /debug/backplane answers this replica's backplane counters as JSON
// (McpGen.Sessions.McpBackplaneCounters, the numbers behind the mcpgen.backplane.messages.* instruments). Off by default.
if (string.Equals(builder.Configuration["metrics"], "true", StringComparison.OrdinalIgnoreCase))
{
    McpGen.Sessions.IMcpBackplane backplane = app.Services.GetRequiredService<McpGen.Sessions.IMcpBackplane>();
    app.MapGet("/debug/backplane", (RequestDelegate)(context =>
    {
        McpGen.Sessions.McpBackplaneCounts counts = backplane.Counters?.Snapshot() ?? default;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(
            $"{{\"counted\":{(backplane.Counters is null ? "false" : "true")},\"receivedAddressed\":{counts.ReceivedAddressed},\"receivedBroadcast\":{counts.ReceivedBroadcast},\"received\":{counts.Received},\"delivered\":{counts.Delivered},\"dropped\":{counts.Dropped}}}");
    }));
}

app.Logger.LogInformation("Everything conformance server: mode {Mode}, MCP endpoint /mcp", mode);
app.Run();
return 0;
