using System;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen;

/// <summary>
/// Reads the values of a submitted elicitation form with <see cref="Utf8JsonReader"/>. Used by the code the McpGen
/// generator emits for <see cref="McpElicitationFormAttribute"/> types. Each method expects the reader on the value
/// token and returns <see langword="false"/> when the token has the wrong type; JSON <c>null</c> reads as
/// <see langword="null"/> (the generated code decides whether the field allows it).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class McpFormReader
{
    /// <summary>Reads a string.</summary>
    public static bool TryReadString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = reader.GetString();
        return true;
    }

    /// <summary>Reads an integer within <paramref name="minimum"/> and <paramref name="maximum"/> (a number with no fraction, such as 30 or 30.0).</summary>
    public static bool TryReadInteger(ref Utf8JsonReader reader, long minimum, long maximum, out long? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            return false;
        }

        long integer;
        if (!reader.TryGetInt64(out integer))
        {
            if (!reader.TryGetDouble(out double number) || number != Math.Floor(number) || number < long.MinValue || number > long.MaxValue)
            {
                return false;
            }

            integer = (long)number;
        }

        if (integer < minimum || integer > maximum)
        {
            return false;
        }

        value = integer;
        return true;
    }

    /// <summary>Reads a number.</summary>
    public static bool TryReadNumber(ref Utf8JsonReader reader, out double? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double number) || !double.IsFinite(number))
        {
            return false;
        }

        value = number;
        return true;
    }

    /// <summary>Reads a number as a decimal.</summary>
    public static bool TryReadDecimal(ref Utf8JsonReader reader, out decimal? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out decimal number))
        {
            return false;
        }

        value = number;
        return true;
    }

    /// <summary>Reads <c>true</c> or <c>false</c>.</summary>
    public static bool TryReadBoolean(ref Utf8JsonReader reader, out bool? value)
    {
        value = reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => null,
        };
        return value is not null || reader.TokenType == JsonTokenType.Null;
    }

    /// <summary>Reads an absolute URI (format <c>uri</c>).</summary>
    public static bool TryReadUri(ref Utf8JsonReader reader, out Uri? value)
    {
        value = null;
        if (!TryReadString(ref reader, out string? text))
        {
            return false;
        }

        return text is null || Uri.TryCreate(text, UriKind.Absolute, out value);
    }

    /// <summary>Reads an ISO 8601 date and time (format <c>date-time</c>).</summary>
    public static bool TryReadDateTimeOffset(ref Utf8JsonReader reader, out DateTimeOffset? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (reader.TryGetDateTimeOffset(out DateTimeOffset parsed)
            || DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    /// <summary>Reads an ISO 8601 date and time as a <see cref="DateTime"/> (format <c>date-time</c>).</summary>
    public static bool TryReadDateTime(ref Utf8JsonReader reader, out DateTime? value)
    {
        value = null;
        if (!TryReadDateTimeOffset(ref reader, out DateTimeOffset? parsed))
        {
            return false;
        }

        value = parsed?.UtcDateTime;
        return true;
    }

    /// <summary>Reads a <c>yyyy-MM-dd</c> date (format <c>date</c>).</summary>
    public static bool TryReadDateOnly(ref Utf8JsonReader reader, out DateOnly? value)
    {
        value = null;
        if (!TryReadString(ref reader, out string? text))
        {
            return false;
        }

        if (text is null)
        {
            return true;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            value = date;
            return true;
        }

        return false;
    }

    /// <summary>The length of a string in Unicode characters (code points), as JSON Schema counts <c>minLength</c> and <c>maxLength</c>.</summary>
    public static int Length(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int count = 0;
        foreach (Rune _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
