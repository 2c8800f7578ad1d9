using System.Text;
using System.Text.Json.Serialization;
using McpGen;

namespace McpGen.Runtime.Tests.Infrastructure;

public sealed record SumResult(int Sum);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SumResult))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>A hand-written server definition, shaped like generated code.</summary>
internal sealed class TestServerDefinition(string name, string version, McpToolDefinition[] tools) : McpServerDefinition(name, version, McpSessionMode.Stateless, tools)
{
    public override McpToolDefinition? FindTool(string name)
    {
        foreach (McpToolDefinition tool in Tools)
        {
            if (tool.Name == name)
            {
                return tool;
            }
        }

        return null;
    }
}

/// <summary>The tools the runtime tests call.</summary>
internal static class TestTools
{
    public static McpToolDefinition Tool(string name, McpToolHandler handler, McpHandlerFeatures features = McpHandlerFeatures.None, string properties = "{}")
        => new(name, Encoding.UTF8.GetBytes("{\"name\":\"" + name + "\",\"description\":\"Test tool " + name + ".\",\"inputSchema\":{\"type\":\"object\",\"properties\":" + properties + "}}"), handler, features);

    /// <summary>The standard test server: text, structured, progress, failing and silent tools.</summary>
    public static TestServerDefinition Standard() => new("test-server", "1.2.3", [
        Tool("add", Add, properties: """{"a":{"type":"integer"},"b":{"type":"integer"}}"""),
        Tool("crash", _ => throw new InvalidOperationException("secret connection string")),
        Tool("echo", Echo, properties: """{"text":{"type":"string"}}"""),
        Tool("fail_argument", _ => throw new ArgumentException("Argument 'city' must not be empty.")),
        Tool("fail_tool", _ => throw new McpToolException("The city was not found. Try a larger city nearby.")),
        Tool("partial_then_throw", PartialThenThrow),
        Tool("progress", Progress, McpHandlerFeatures.Progress),
        Tool("progress_silent", ctx => { ctx.WriteText("no progress"); return ValueTask.CompletedTask; }, McpHandlerFeatures.Progress),
        Tool("silent", _ => ValueTask.CompletedTask),
        Tool("whoami", WhoAmI),
    ])
    {
        Title = "Test Server",
        Instructions = "Use echo to repeat text.",
    };

    /// <summary>A server with <paramref name="count"/> tools named tool_00, tool_01, ...</summary>
    public static TestServerDefinition Many(int count) => Named("many", count);

    /// <summary>A server named <paramref name="serverName"/> with <paramref name="count"/> tools (options are per server name).</summary>
    public static TestServerDefinition Named(string serverName, int count)
    {
        var tools = new McpToolDefinition[count];
        for (int i = 0; i < count; i++)
        {
            string name = $"tool_{i:00}";
            tools[i] = Tool(name, ctx => { ctx.WriteText(name); return ValueTask.CompletedTask; });
        }

        return new TestServerDefinition(serverName, "1.0.0", tools);
    }

    private static ValueTask Echo(McpHandlerContext context)
    {
        var args = new McpArgumentReader(context);
        string? text = null;
        bool hasText = false;
        while (args.MoveNext())
        {
            if (args.NameIs("text"u8))
            {
                hasText = args.TryReadString("text", out string value);
                text = value;
            }
            else
            {
                args.Skip();
            }
        }

        if (!hasText && !context.HasArgumentErrors)
        {
            context.ReportMissingArgument("text", "string");
        }

        if (!context.HasArgumentErrors)
        {
            context.WriteText(text);
        }

        return ValueTask.CompletedTask;
    }

    private static ValueTask Add(McpHandlerContext context)
    {
        var args = new McpArgumentReader(context);
        int a = 0, b = 0;
        while (args.MoveNext())
        {
            if (args.NameIs("a"u8))
            {
                args.TryReadInt32("a", out a);
            }
            else if (args.NameIs("b"u8))
            {
                args.TryReadInt32("b", out b);
            }
            else
            {
                args.Skip();
            }
        }

        if (!context.HasArgumentErrors)
        {
            context.WriteStructured(new SumResult(a + b), context.GetTypeInfo<SumResult>(), wrapped: false);
        }

        return ValueTask.CompletedTask;
    }

    private static async ValueTask Progress(McpHandlerContext context)
    {
        IProgress<McpProgress> progress = context.Progress;
        for (int i = 1; i <= 3; i++)
        {
            await Task.Yield();
            progress.Report(new McpProgress(i, 3, $"step {i}"));
        }

        // Reports from another thread must be serialised too.
        await Task.Run(() => progress.Report(new McpProgress(4, null, null)));
        context.WriteText("done");
    }

    private static ValueTask PartialThenThrow(McpHandlerContext context)
    {
        context.WriteText("this must not reach the client");
        throw new McpToolException("Failed after writing.");
    }

    private static ValueTask WhoAmI(McpHandlerContext context)
    {
        McpRequestContext request = context.Request;
        context.WriteText($"{request.ProtocolVersion}|{request.IsModern}|{request.RequestId}|{request.ClientInfo?.Name ?? "none"}");
        return ValueTask.CompletedTask;
    }
}
