using System.Text;
using McpGen;

namespace McpGen.Runtime.Tests.Infrastructure;

/// <summary>A hand-written definition with resources, prompts and completions, shaped like generated code.</summary>
internal sealed class FeatureServerDefinition : McpServerDefinition
{
    private readonly Dictionary<(bool, string, string), McpCompletionHandler> _completions;

    public FeatureServerDefinition(McpToolDefinition[] tools, McpResourceDefinition[] resources, McpPromptDefinition[] prompts,
        Dictionary<(bool, string, string), McpCompletionHandler>? completions = null, McpSessionMode sessionMode = McpSessionMode.Stateless)
        : base("feature-server", "2.0.0", sessionMode, tools)
    {
        Resources = resources;
        Prompts = prompts;
        _completions = completions ?? [];
        HasCompletions = _completions.Count > 0;
    }

    public override McpToolDefinition? FindTool(string name) => Tools.FirstOrDefault(t => t.Name == name);

    public override McpResourceDefinition? FindResource(string uri)
    {
        foreach (McpResourceDefinition resource in Resources)
        {
            if (!resource.IsTemplate && resource.UriOrTemplate == uri)
            {
                return resource;
            }
        }

        foreach (McpResourceDefinition resource in Resources)
        {
            if (resource.IsTemplate && FeatureServers.MatchTemplate(resource.UriOrTemplate, uri) is not null)
            {
                return resource;
            }
        }

        return null;
    }

    public override McpPromptDefinition? FindPrompt(string name) => Prompts.FirstOrDefault(p => p.Name == name);

    public override McpCompletionHandler? FindCompletion(bool isPrompt, string nameOrTemplate, string argument)
        => _completions.GetValueOrDefault((isPrompt, nameOrTemplate, argument));
}

internal static class FeatureServers
{
    public const string Template = "test://template/{id}/data";

    /// <summary>The value of the single {variable} of a level-1 template, or null when the URI does not match.</summary>
    public static string? MatchTemplate(string template, string uri)
    {
        int open = template.IndexOf('{');
        int close = template.IndexOf('}');
        string prefix = template[..open], suffix = template[(close + 1)..];
        return uri.Length > prefix.Length + suffix.Length && uri.StartsWith(prefix, StringComparison.Ordinal) && uri.EndsWith(suffix, StringComparison.Ordinal)
            ? uri[prefix.Length..^suffix.Length]
            : null;
    }

    public static McpResourceDefinition Resource(string uri, McpResourceHandler handler, bool subscribable = false, McpHandlerFeatures features = McpHandlerFeatures.None)
        => new(uri, false, Encoding.UTF8.GetBytes($"{{\"uri\":\"{uri}\",\"name\":\"{uri[7..]}\"}}"), handler, subscribable, features);

    public static McpResourceDefinition ResourceTemplate(string template, McpResourceHandler handler)
        => new(template, true, Encoding.UTF8.GetBytes($"{{\"uriTemplate\":\"{template}\",\"name\":\"tpl\"}}"), handler);

    public static McpPromptDefinition Prompt(string name, McpPromptHandler handler, string arguments = "[]", McpHandlerFeatures features = McpHandlerFeatures.None)
        => new(name, Encoding.UTF8.GetBytes($"{{\"name\":\"{name}\",\"description\":\"Prompt {name}.\",\"arguments\":{arguments}}}"), handler, features);

    public static McpCompletionHandler Values(params string[] values)
        => (_, value, _) => ValueTask.FromResult<IEnumerable<string>>(values.Where(v => v.StartsWith(value, StringComparison.Ordinal)));

    /// <summary>The standard feature server: two fixed resources, one template, a subscribable one, prompts, completions, a logging tool.</summary>
    public static FeatureServerDefinition Standard() => new(
        [
            TestTools.Tool("echo_log", LogTool, McpHandlerFeatures.RequestContext | McpHandlerFeatures.Progress),
        ],
        [
            Resource("test://static-binary", ctx => { ctx.WriteResourceBlob(new byte[] { 1, 2, 3 }, "application/octet-stream"); return ValueTask.CompletedTask; }),
            Resource("test://static-text", ctx => { ctx.WriteResourceText("hello " + ctx.ResourceUri, "text/plain"); return ValueTask.CompletedTask; }),
            ResourceTemplate(Template, ReadTemplate),
            Resource("test://watched", ctx => { ctx.WriteResourceText("w", null); return ValueTask.CompletedTask; }, subscribable: true),
        ],
        [
            Prompt("crash", _ => throw new InvalidOperationException("secret prompt failure")),
            Prompt("fail", _ => throw new McpToolException("The topic is not allowed.")),
            Prompt("simple", ctx => { ctx.WritePromptText("Say hello."); return ValueTask.CompletedTask; }),
            Prompt("silent", _ => ValueTask.CompletedTask),
            Prompt("with_args", WithArgs, """[{"name":"arg1","required":true},{"name":"arg2"}]"""),
        ],
        new()
        {
            [(true, "with_args", "arg1")] = Values("python", "pytorch", "pyside", "rust"),
            [(true, "with_args", "arg2")] = (ctx, value, _) => ValueTask.FromResult<IEnumerable<string>>(
                [$"{value}|{ctx.Arguments.GetValueOrDefault("arg1", "none")}|{ctx.Request.IsModern}"]),
            [(true, "with_args", "many")] = (_, _, _) => ValueTask.FromResult(Enumerable.Range(0, 150).Select(i => $"v{i:000}")),
            [(true, "with_args", "throws")] = (_, _, _) => throw new ArgumentException("Unknown language family."),
            [(true, "with_args", "crash")] = (_, _, _) => throw new InvalidOperationException("secret completion failure"),
            [(false, Template, "id")] = Values("123", "124", "200"),
        });

    private static ValueTask ReadTemplate(McpHandlerContext context)
    {
        string id = MatchTemplate(Template, context.ResourceUri)!;
        switch (id)
        {
            case "bad":
                throw new McpToolException("No item 'bad': ids are numbers.");
            case "crash":
                throw new InvalidOperationException("secret resource failure");
            case "invalid":
                context.ReportInvalidArgument("id", "integer", "\"invalid\"");
                return ValueTask.CompletedTask;
            case "empty":
                return ValueTask.CompletedTask;
            default:
                context.WriteResourceText($"item {id}", "text/plain");
                return ValueTask.CompletedTask;
        }
    }

    private static ValueTask WithArgs(McpHandlerContext context)
    {
        var args = new McpArgumentReader(context);
        string? arg1 = null, arg2 = null;
        while (args.MoveNext())
        {
            if (args.NameIs("arg1"u8))
            {
                args.TryReadString("arg1", out string v);
                arg1 = v;
            }
            else if (args.NameIs("arg2"u8))
            {
                args.TryReadString("arg2", out string v);
                arg2 = v;
            }
            else
            {
                args.Skip();
            }
        }

        if (arg1 is null && !context.HasArgumentErrors)
        {
            context.ReportMissingArgument("arg1", "string");
        }

        if (!context.HasArgumentErrors)
        {
            context.WritePromptMessages([PromptMessage.User($"{arg1} and {arg2 ?? "nothing"}"), PromptMessage.Assistant("ok")], "Rendered with args.");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Logs at every level around a progress report, from two threads, then returns.</summary>
    private static async ValueTask LogTool(McpHandlerContext context)
    {
        McpRequestContext request = context.Request;
        request.Log(McpLogLevel.Debug, "debug message");
        request.Log(McpLogLevel.Info, "info message", "app");
        context.Progress.Report(new McpProgress(1, 2));
        await Task.Run(() => request.Log(McpLogLevel.Warning, "warning message", "db"));
        context.Progress.Report(new McpProgress(2, 2));
        request.Log(McpLogLevel.Error, "error message");
        context.WriteText("logged");
    }
}
