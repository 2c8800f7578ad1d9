using System;
using System.Globalization;
using Microsoft.Extensions.Primitives;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Http;

/// <summary>
/// The <c>Accept</c> (406) and <c>Content-Type</c> (415) rules of a POST: the client must accept both
/// <c>application/json</c> and <c>text/event-stream</c> (wildcards count; <c>q=0</c> excludes), and send
/// <c>application/json</c>.
/// </summary>
internal static class ContentNegotiation
{
    /// <summary>Whether the <c>Accept</c> values cover both response types the endpoint may choose.</summary>
    public static bool AcceptsJsonAndEventStream(StringValues accept)
    {
        Accepts(accept, out bool json, out bool eventStream);
        return json && eventStream;
    }

    /// <summary>Whether the <c>Accept</c> values cover <c>text/event-stream</c> (the GET stream).</summary>
    public static bool AcceptsEventStream(StringValues accept)
    {
        Accepts(accept, out _, out bool eventStream);
        return eventStream;
    }

    private static void Accepts(StringValues accept, out bool json, out bool eventStream)
    {
        json = false;
        eventStream = false;
        for (int i = 0; i < accept.Count; i++)
        {
            ReadOnlySpan<char> rest = accept[i];
            while (!rest.IsEmpty)
            {
                int comma = rest.IndexOf(',');
                ReadOnlySpan<char> range = comma < 0 ? rest : rest[..comma];
                rest = comma < 0 ? ReadOnlySpan<char>.Empty : rest[(comma + 1)..];

                int semicolon = range.IndexOf(';');
                ReadOnlySpan<char> type = (semicolon < 0 ? range : range[..semicolon]).Trim();
                if (semicolon >= 0 && IsExcluded(range[(semicolon + 1)..]))
                {
                    continue;
                }

                if (type.Equals("*/*", StringComparison.Ordinal))
                {
                    json = eventStream = true;
                }
                else if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                    || type.Equals("application/*", StringComparison.OrdinalIgnoreCase))
                {
                    json = true;
                }
                else if (type.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)
                    || type.Equals("text/*", StringComparison.OrdinalIgnoreCase))
                {
                    eventStream = true;
                }
            }
        }

    }

    /// <summary>Whether the <c>Content-Type</c> is <c>application/json</c> (parameters such as <c>charset</c> allowed).</summary>
    public static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        ReadOnlySpan<char> type = contentType;
        int semicolon = type.IndexOf(';');
        if (semicolon >= 0)
        {
            type = type[..semicolon];
        }

        return type.Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsExcluded(ReadOnlySpan<char> parameters)
    {
        while (!parameters.IsEmpty)
        {
            int semicolon = parameters.IndexOf(';');
            ReadOnlySpan<char> parameter = (semicolon < 0 ? parameters : parameters[..semicolon]).Trim();
            parameters = semicolon < 0 ? ReadOnlySpan<char>.Empty : parameters[(semicolon + 1)..];
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(parameter[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double q)
                && q <= 0)
            {
                return true;
            }
        }

        return false;
    }
}
