using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace QuickStart;

/// <summary>samples/QuickStart's tools written for the official C# SDK (the "before" of docs/migrating-from-official-sdk.md).</summary>
[McpServerToolType]
public sealed class QuickStartTools(IForecasts forecasts, TimeProvider clock)
{
    [McpServerTool(Name = "get_forecast", ReadOnly = true, Title = "City forecast", UseStructuredContent = true)]
    [Description("Forecast for a city, day by day.")]
    public Task<Forecast> GetForecast(
        [Description("City name, for example \"Oslo\".")] string city,
        [Description("How many days ahead, 1 to 10.")] int days = 3,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(city))
        {
            throw new McpException("The city must not be empty: pass a city name such as \"Oslo\".");
        }

        if (days is < 1 or > 10)
        {
            throw new McpException($"days must be between 1 and 10; {days} was given.");
        }

        return forecasts.GetAsync(city, days, cancellationToken);
    }

    [McpServerTool(Name = "convert_temperature", ReadOnly = true, Idempotent = true)]
    [Description("Converts a temperature between Celsius, Fahrenheit and Kelvin.")]
    public static string ConvertTemperature(
        [Description("The temperature to convert.")] double value,
        [Description("The unit of value.")] TemperatureUnit from,
        [Description("The unit to convert to.")] TemperatureUnit to)
    {
        double kelvin = from switch
        {
            TemperatureUnit.Celsius => value + 273.15,
            TemperatureUnit.Fahrenheit => (value - 32) * 5 / 9 + 273.15,
            _ => value,
        };
        if (kelvin < 0)
        {
            throw new McpException($"{value} {from} is below absolute zero.");
        }

        double result = to switch
        {
            TemperatureUnit.Celsius => kelvin - 273.15,
            TemperatureUnit.Fahrenheit => (kelvin - 273.15) * 9 / 5 + 32,
            _ => kelvin,
        };
        return FormattableString.Invariant($"{value} {from} = {Math.Round(result, 2)} {to}");
    }

    [McpServerTool(Name = "hash_text", ReadOnly = true, Idempotent = true)]
    [Description("Hashes text with a cryptographic hash and returns the lowercase hex digest.")]
    public static string HashText(
        [Description("The text, hashed as UTF-8.")] string text,
        [Description("The hash algorithm.")] HashAlgorithm algorithm = HashAlgorithm.Sha256)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        byte[] digest = algorithm switch
        {
            HashAlgorithm.Sha1 => SHA1.HashData(bytes),
            HashAlgorithm.Sha384 => SHA384.HashData(bytes),
            HashAlgorithm.Sha512 => SHA512.HashData(bytes),
            _ => SHA256.HashData(bytes),
        };
        return Convert.ToHexStringLower(digest);
    }

    [McpServerTool(Name = "text_stats", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Counts the characters, words and lines of a text.")]
    public static TextStats TextStats([Description("The text to measure.")] string text)
    {
        int words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        int lines = text.Length == 0 ? 0 : text.Split('\n').Length;
        return new TextStats(text.Length, words, lines);
    }

    [McpServerTool(Name = "current_time", ReadOnly = true)]
    [Description("The current date and time in a time zone.")]
    public string CurrentTime([Description("An IANA time zone id such as \"Europe/Oslo\"; UTC when omitted.")] string? timeZone = null)
    {
        DateTimeOffset now = clock.GetUtcNow();
        if (timeZone is null)
        {
            return now.ToString("O");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out TimeZoneInfo? zone))
        {
            throw new McpException($"Unknown time zone '{timeZone}'. Use an IANA id such as \"Europe/Oslo\" or \"America/New_York\".");
        }

        return TimeZoneInfo.ConvertTime(now, zone).ToString("O");
    }

    [McpServerTool(Name = "process_batch")]
    [Description("Simulates a batch job over a number of items, reporting progress as it goes.")]
    public static async Task<string> ProcessBatch(
        [Description("How many items to process, 1 to 100.")] int items,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        if (items is < 1 or > 100)
        {
            throw new McpException($"items must be between 1 and 100; {items} was given.");
        }

        for (int i = 1; i <= items; i++)
        {
            await Task.Delay(10, cancellationToken);
            progress.Report(new ProgressNotificationValue { Progress = i, Total = items, Message = $"Processed item {i} of {items}" });
        }

        return $"Processed {items} items.";
    }
}

/// <summary>A temperature unit (bound by name, as McpGen binds enums).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TemperatureUnit>))]
public enum TemperatureUnit
{
    Celsius,
    Fahrenheit,
    Kelvin,
}

/// <summary>A hash algorithm.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HashAlgorithm>))]
public enum HashAlgorithm
{
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

/// <summary>Character, word and line counts of a text.</summary>
public sealed record TextStats(int Characters, int Words, int Lines);
