using McpGen.Fuzz;
using Xunit.Abstractions;

namespace McpGen.IntegrationTests;

/// <summary>
/// Issue 11: the project's fuzzer (tests/McpGen.Fuzz) in its bounded form against samples/Everything in each session
/// mode, store on PostgreSQL: a fixed seed, 2000 mutated requests, zero findings (no 5xx but a 503 with Retry-After, a
/// spec-shaped JSON-RPC answer valid against the revision's schema wherever one is due, no request unanswered, no
/// Error/Critical log for client input, the process up). Long runs: dotnet run --project tests/McpGen.Fuzz -c Release
/// -- --mode M --requests 1000000.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Requests = 2000;
    private const int Seed = 20261;

    [Theory]
    [InlineData("stateless")]
    [InlineData("sticky")]
    [InlineData("store")]
    public async Task Two_thousand_mutated_requests_find_nothing(string mode)
    {
        string? postgres = mode == "store" ? await FleetPostgres.ConnectionStringAsync() : null;
        string schema = FleetPostgres.NewSchema();
        try
        {
            FuzzReport report = await Fuzzer.RunAsync(new FuzzOptions
            {
                Mode = mode,
                Requests = Requests,
                Seed = Seed,
                Everything = ReplicaFleet.EverythingDll,
                Postgres = postgres,
                PostgresSchema = postgres is null ? null : schema,
                Duration = TimeSpan.FromSeconds(50),
                RequestTimeout = TimeSpan.FromSeconds(8),
            });
            output.WriteLine(report.Summary);
            Assert.True(report.Requests >= Requests / 2, $"only {report.Requests} requests were sent in the time limit");
            Assert.True(report.Findings == 0, report.Describe());
        }
        finally
        {
            if (postgres is not null)
            {
                await FleetPostgres.DropSchemaAsync(schema);
            }
        }
    }
}
