using System.Net;
using McpGen.Runtime.Tests.Infrastructure;
using McpGen.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static McpGen.Runtime.Tests.Infrastructure.McpTestHost;

namespace McpGen.Runtime.Tests;

/// <summary>
/// Two store-backed "replicas" (two hosts over one store and one backplane): a session created on one is served by the
/// other, and its end on one reaches the other's cached copy through the backplane.
/// </summary>
public sealed class StoreSessionReplicaTests
{
    private const string Initialize = """{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}""";

    [Theory]
    [InlineData(5000)]
    [InlineData(0)]
    public async Task SessionFromReplicaA_IsServedByB_AndItsDeleteOnA_Ends_It_On_B(int cacheMilliseconds)
    {
        var store = new InMemoryMcpSessionStore();
        var backplane = new InMemoryMcpBackplane();
        void Shared(IServiceCollection services)
        {
            services.AddSingleton<IMcpSessionStore>(store);
            services.AddSingleton<IMcpBackplane>(backplane);
        }

        void Options(McpServerOptions o) => o.Sessions.StoreCacheDuration = TimeSpan.FromMilliseconds(cacheMilliseconds);
        await using McpTestHost a = await StartAsync(ClientInputServers.Create(McpSessionMode.Store), Options, Shared);
        await using McpTestHost b = await StartAsync(ClientInputServers.Create(McpSessionMode.Store), Options, Shared);

        using HttpResponseMessage initialized = await a.SendLegacyAsync("initialize", Initialize, protocolVersion: null);
        string session = initialized.Headers.GetValues("Mcp-Session-Id").Single();

        // B has never seen the session: it loads it from the store (and caches it when caching is on).
        using (HttpResponseMessage listed = await b.Client.SendAsync(Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", ("Mcp-Session-Id", session))))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        }

        using (HttpResponseMessage deleted = await a.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/mcp") { Headers = { { "Mcp-Session-Id", session } } }))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        // The eviction travels through the backplane; bounded wait, far below the 5 s cache duration.
        HttpStatusCode status = HttpStatusCode.OK;
        DateTime deadline = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < deadline)
        {
            using HttpResponseMessage after = await b.Client.SendAsync(Post("""{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", ("Mcp-Session-Id", session)));
            status = after.StatusCode;
            if (status == HttpStatusCode.NotFound)
            {
                break;
            }

            await Task.Delay(10);
        }

        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
