using System.Reflection;
using Microsoft.AspNetCore.Authorization;

namespace McpGen.Tests;

/// <summary>
/// Per-handler authorization decided at compile time: [Authorize], [AllowAnonymous] and [McpScope] on the class and the
/// handlers become static McpAuthorization data in each definition; a server without them gets none and no flag.
/// </summary>
public sealed class AuthorizationTests
{
    public const string Notes = TestSources.Usings + """
        using Microsoft.AspNetCore.Authorization;

        namespace Authz;

        [McpServer(Name = "notes")]
        [Authorize]
        [McpScope("notes:read")]
        public partial class NotesServer
        {
            [McpTool, Description("Lists notes.")]
            public static string ListNotes() => "[]";

            [McpTool, Description("Writes a note."), McpScope("notes:write", "notes:read")]
            public static string WriteNote(string text) => text;

            [McpTool, Description("Deletes a note."), Authorize(Policy = "Editors"), Authorize(Roles = "admin,owner")]
            public static string DeleteNote(string id) => id;

            [McpTool, Description("Answers pong."), AllowAnonymous]
            public static string Ping() => "pong";

            [McpTool, Description("Mirrored."), AllowAnonymous]
            public static string Echo([McpHeader("Text")] string text) => text;

            [McpTool, Description("Mirrored and guarded.")]
            public static string Shout([McpHeader("Text")] string text) => text;

            [McpResource("notes://{id}"), Description("A note."), McpScope("notes:write")]
            public static string Note(string id) => id;

            [McpResource("notes://public/readme"), Description("Readme."), AllowAnonymous]
            public static string Readme() => "readme";

            [McpPrompt, Description("Summarize."), Authorize("Editors")]
            public static string Summarize(string topic) => topic;

            [McpPrompt, Description("Greets."), AllowAnonymous]
            public static string Greet(string name) => name;
        }

        public abstract class GuardedBase { }

        [Authorize(Roles = "ops")]
        public abstract class OpsBase : GuardedBase { }

        [McpServer(Name = "ops")]
        public partial class OpsServer : OpsBase
        {
            [McpTool, Description("Restarts.")]
            public static string Restart() => "ok";
        }

        [McpServer(Name = "open")]
        public partial class OpenServer
        {
            [McpTool, Description("Open.")]
            public static string Open() => "ok";
        }
        """;

    [Fact]
    public void Authorization() => GeneratorHarness.VerifySnapshots(GeneratorHarness.RunClean(Notes));

    private static Assembly Load() => GeneratorHarness.Load(GeneratorHarness.RunClean(Notes));

    private static string Describe(McpAuthorization? authorization)
        => authorization is null ? "anonymous"
            : string.Join(" & ", authorization.AuthorizeData.Select(d => $"[{d.Policy}|{d.Roles}|{d.AuthenticationSchemes}]"))
                + " scopes=" + string.Join(",", authorization.Scopes);

    [Fact]
    public void ClassAndHandlerAttributes_Combine_AllowAnonymousLiftsEverything()
    {
        McpServerDefinition definition = GeneratorHarness.Definition(Load(), "Authz.NotesServer");

        Assert.True(definition.HasAuthorization);
        Assert.Equal("[||] scopes=notes:read", Describe(definition.FindTool("list_notes")!.Authorization));
        Assert.Equal("[||] scopes=notes:read,notes:write", Describe(definition.FindTool("write_note")!.Authorization));
        Assert.Equal("[||] & [Editors||] & [|admin,owner|] scopes=notes:read", Describe(definition.FindTool("delete_note")!.Authorization));
        Assert.Equal("anonymous", Describe(definition.FindTool("ping")!.Authorization));
        Assert.Equal("anonymous", Describe(definition.FindTool("echo")!.Authorization));
        Assert.Single(definition.FindTool("echo")!.Headers);
        Assert.Equal("[||] scopes=notes:read", Describe(definition.FindTool("shout")!.Authorization));
        Assert.Single(definition.FindTool("shout")!.Headers);
        Assert.Equal("[||] scopes=notes:read,notes:write", Describe(definition.FindResource("notes://42")!.Authorization));
        Assert.Equal("anonymous", Describe(definition.FindResource("notes://public/readme")!.Authorization));
        Assert.Equal("[||] & [Editors||] scopes=notes:read", Describe(definition.FindPrompt("summarize")!.Authorization));
        Assert.Equal("anonymous", Describe(definition.FindPrompt("greet")!.Authorization));
    }

    [Fact]
    public void AuthorizeOnABaseClass_AppliesToTheServersHandlers()
    {
        McpServerDefinition definition = GeneratorHarness.Definition(Load(), "Authz.OpsServer");

        Assert.True(definition.HasAuthorization);
        Assert.Equal("[|ops|] scopes=", Describe(definition.FindTool("restart")!.Authorization));
    }

    [Fact]
    public void ServerWithoutAttributes_HasNoAuthorizationData()
    {
        McpServerDefinition definition = GeneratorHarness.Definition(Load(), "Authz.OpenServer");

        Assert.False(definition.HasAuthorization);
        Assert.Null(definition.FindTool("open")!.Authorization);
    }

    [Fact]
    public void EmittedRules_AreAspNetCoresOwnAuthorizeAttributes()
    {
        McpServerDefinition definition = GeneratorHarness.Definition(Load(), "Authz.NotesServer");

        IAuthorizeData rule = definition.FindTool("delete_note")!.Authorization!.AuthorizeData[1];
        Assert.IsType<AuthorizeAttribute>(rule);
        Assert.Equal("Editors", rule.Policy);
    }
}
