using System.ComponentModel;
using System.Text.Json.Serialization;
using McpGen;

namespace McpGenServer;

/// <summary>
/// The MCP server: every public method marked [McpTool] is a tool. Its name, description and JSON Schema are generated
/// at compile time from the signature and the XML doc comments. Store-backed: clients that start with initialize get a
/// session kept in the store (PostgreSQL), so any replica serves it, and tools may ask such clients for input
/// (elicitation, sampling, roots) on the request's stream; modern (2026-07-28) clients are served statelessly.
/// </summary>
[McpServer(Session = McpSessionMode.Store, Name = "McpGenServer")]
public partial class ToolsServer(TimeProvider clock)
{
    /// <summary>Adds two integers.</summary>
    /// <param name="a">The first addend.</param>
    /// <param name="b">The second addend.</param>
    [McpTool(ReadOnly = true)]
    public static int Add(int a, int b) => a + b;

    /// <summary>Counts the words and characters of a text.</summary>
    /// <param name="text">The text to count.</param>
    /// <param name="cancellationToken">Signals that the client went away.</param>
    [McpTool(ReadOnly = true)]
    public static Task<TextStats> CountWords(string text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new McpToolException("The text must not be empty: pass the text to count.");
        }

        int words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return Task.FromResult(new TextStats(words, text.Length));
    }

    /// <summary>The MCP session this call belongs to.</summary>
    /// <param name="context">The request: its session, client and protocol version.</param>
    [McpTool(ReadOnly = true)]
    public static string SessionInfo(McpRequestContext context)
        => context.SessionId is { } id
            ? $"session {id}, protocol {context.ProtocolVersion}"
            : $"no session (protocol {context.ProtocolVersion} is served statelessly)";

    /// <summary>The current time in UTC, ISO 8601.</summary>
    [McpTool(ReadOnly = true), Description("The server's current time in UTC, ISO 8601.")]
    public string UtcNow() => clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Word and character counts.</summary>
/// <param name="Words">Words separated by white space.</param>
/// <param name="Characters">Characters, white space included.</param>
public sealed record TextStats(int Words, int Characters);

/// <summary>The JSON contract of the tools' complex types, generated at compile time.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TextStats))]
internal sealed partial class AppJson : JsonSerializerContext;
