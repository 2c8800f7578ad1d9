using McpGen;

namespace SecuredServer;

/// <summary>
/// Tools behind OAuth: every request needs an access token issued for this server (its audience is the resource
/// URI), checked by JwtBearer before McpGen sees the request. <see cref="SaveNote"/> also needs the <c>notes:write</c>
/// scope: callers without it do not see it in tools/list, and a call gets 403 <c>insufficient_scope</c> (step-up).
/// </summary>
[McpServer(Stateless = true, Name = "mcpgen-secured", Instructions = "Tools that need an OAuth access token.")]
public partial class NotesServer
{
    /// <summary>Who the access token says the caller is: its subject and the scopes it granted.</summary>
    /// <param name="context">The request, with the authenticated caller.</param>
    [McpTool(ReadOnly = true)]
    public static string WhoAmI(McpRequestContext context)
    {
        string subject = context.User.FindFirst("sub")?.Value
            ?? context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value
            ?? "(no subject)";
        string[] scopes = [.. McpScopes.ClaimTypes.SelectMany(t => context.User.FindAll(t)).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Order(StringComparer.Ordinal)];
        return $"{subject} [{string.Join(' ', scopes)}]";
    }

    /// <summary>Adds two numbers.</summary>
    /// <param name="a">The first number.</param>
    /// <param name="b">The second number.</param>
    [McpTool(ReadOnly = true, Idempotent = true)]
    public static int Add(int a, int b) => a + b;

    /// <summary>Saves a note for the caller and says how many it has.</summary>
    /// <param name="text">The note.</param>
    /// <param name="context">The request, with the authenticated caller.</param>
    [McpTool(Idempotent = false)]
    [McpScope("notes:write")]
    public static string SaveNote(string text, McpRequestContext context)
    {
        string subject = context.User.FindFirst("sub")?.Value ?? "(no subject)";
        int count = s_notes.AddOrUpdate(subject, 1, (_, n) => n + 1);
        return $"saved '{text}' for {subject} ({count} notes)";
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> s_notes = new(StringComparer.Ordinal);
}
