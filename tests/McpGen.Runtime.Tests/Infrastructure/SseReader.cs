using System.Text;
using System.Text.Json;

namespace McpGen.Runtime.Tests.Infrastructure;

/// <summary>Reads JSON-RPC messages from a live SSE response, one event at a time.</summary>
internal static class SseReader
{
    /// <summary>Reads SSE lines up to the next event with data and parses its JSON (comments and keep-alives skipped).</summary>
    public static async Task<JsonElement> NextMessageAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var data = new StringBuilder();
        while (true)
        {
            string? line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The listen stream ended.");
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    return JsonDocument.Parse(data.ToString()).RootElement.Clone();
                }

                continue;
            }

            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line, 6, line.Length - 6);
            }
        }
    }
}
