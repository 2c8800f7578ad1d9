using System.Text;

namespace McpGen.Generator.Schema;

/// <summary>
/// The <c>pattern</c>s of the string shapes System.Text.Json writes for date and time types, which the generated
/// binders and System.Text.Json both read (docs/schemas.md). ECMA-262 syntax with <c>[0-9]</c>, not <c>\d</c>: .NET's
/// <c>\d</c> matches every Unicode digit.
/// </summary>
internal static class WireFormats
{
    private const string Date = "[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])";
    private const string Time = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,7})?";

    /// <summary>UTC (<c>Z</c>) or an offset .NET can hold (-14:00 to +14:00).</summary>
    private const string Offset = "(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))";

    /// <summary><c>DateTime</c>: ISO 8601 date and time, the offset absent for <c>DateTimeKind.Unspecified</c>.</summary>
    public const string DateTimePattern = "^" + Date + "T" + Time + Offset + "?$";

    /// <summary><c>DateTimeOffset</c>: always with an offset (also <c>format: date-time</c>).</summary>
    public const string DateTimeOffsetPattern = "^" + Date + "T" + Time + Offset + "$";

    /// <summary><c>TimeOnly</c>: <c>HH:mm:ss[.fffffff]</c>, no offset.</summary>
    public const string TimeOnlyPattern = "^" + Time + "$";

    /// <summary><c>TimeSpan</c>: the invariant <c>"c"</c> format, <c>[-][d.]hh:mm:ss[.fffffff]</c>.</summary>
    public const string TimeSpanPattern = "^-?(?:[0-9]{1,8}\\.)?" + Time + "$";

    /// <summary>What a binder expects, in its invalid-argument messages (McpArgumentReader says the same).</summary>
    public const string ExpectedDateTime = "string in ISO 8601 date-time format (yyyy-MM-ddTHH:mm:ss[.fffffff], offset optional)";

    /// <inheritdoc cref="ExpectedDateTime"/>
    public const string ExpectedDateTimeOffset = "string in ISO 8601 date-time format with offset (yyyy-MM-ddTHH:mm:ss[.fffffff]Z or +hh:mm)";

    /// <inheritdoc cref="ExpectedDateTime"/>
    public const string ExpectedDateOnly = "string in yyyy-MM-dd date format";

    /// <inheritdoc cref="ExpectedDateTime"/>
    public const string ExpectedTimeOnly = "string in HH:mm:ss[.fffffff] time format (no offset)";

    /// <inheritdoc cref="ExpectedDateTime"/>
    public const string ExpectedTimeSpan = "string in [-][d.]hh:mm:ss[.fffffff] time span format (for example 01:30:00)";

    /// <summary>Escapes the regular expression metacharacters of <paramref name="text"/> (ECMA-262).</summary>
    public static string EscapeRegex(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if ("\\^$.|?*+()[]{}/-".IndexOf(c) >= 0)
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
