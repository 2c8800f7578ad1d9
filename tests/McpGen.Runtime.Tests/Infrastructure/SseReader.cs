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

    /// <summary>
    /// Reads the next SSE event with its id: one with data, or a priming event (an id and empty data). Comments,
    /// keep-alives and retry-only blocks are skipped. <see langword="null"/> when the stream ends.
    /// </summary>
    public static async Task<SseEvent?> NextEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? id = null;
        StringBuilder? data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (id is not null || data is not null)
                {
                    return new SseEvent(id, data?.ToString() ?? "");
                }

                continue;
            }

            if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                id = line[3..].TrimStart();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                (data ??= new StringBuilder()).Append(line.AsSpan(5).TrimStart());
            }
        }

        return null;
    }
}

/// <summary>One SSE event: its id (null when it has none) and its data.</summary>
internal readonly record struct SseEvent(string? Id, string Data)
{
    /// <summary>A priming event: an id and no data (2025-11-25 streams of a session begin with one).</summary>
    public bool IsPriming => Id is not null && Data.Length == 0;

    public JsonElement Json => JsonDocument.Parse(Data).RootElement.Clone();
}
