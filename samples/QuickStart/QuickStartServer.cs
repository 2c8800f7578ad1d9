using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using McpGen;

namespace QuickStart;

/// <summary>
/// A few useful tools, served statelessly: any replica can answer any request, for every client era.
/// </summary>
[McpServer(Stateless = true, Name = "mcpgen-quickstart", Instructions = "Weather forecasts, unit conversion, hashing and text statistics.")]
public partial class QuickStartServer(IForecasts forecasts, TimeProvider clock)
{
    /// <summary>Forecast for a city, day by day.</summary>
    /// <param name="city">City name, for example "Oslo".</param>
    /// <param name="days">How many days ahead, 1 to 10.</param>
    /// <param name="cancellationToken">Signals that the client went away.</param>
    [McpTool(ReadOnly = true, Title = "City forecast")]
    public Task<Forecast> GetForecast(string city, int days = 3, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(city))
        {
            throw new McpToolException("The city must not be empty: pass a city name such as \"Oslo\".");
        }

        if (days is < 1 or > 10)
        {
            throw new McpToolException($"days must be between 1 and 10; {days} was given.");
        }

        return forecasts.GetAsync(city, days, cancellationToken);
    }

    /// <summary>Converts a temperature between Celsius, Fahrenheit and Kelvin.</summary>
    /// <param name="value">The temperature to convert.</param>
    /// <param name="from">The unit of <paramref name="value"/>.</param>
    /// <param name="to">The unit to convert to.</param>
    [McpTool(ReadOnly = true, Idempotent = true)]
    public static string ConvertTemperature(double value, TemperatureUnit from, TemperatureUnit to)
    {
        double kelvin = from switch
        {
            TemperatureUnit.Celsius => value + 273.15,
            TemperatureUnit.Fahrenheit => (value - 32) * 5 / 9 + 273.15,
            _ => value,
        };
        if (kelvin < 0)
        {
            throw new McpToolException($"{value} {from} is below absolute zero.");
        }

        double result = to switch
        {
            TemperatureUnit.Celsius => kelvin - 273.15,
            TemperatureUnit.Fahrenheit => (kelvin - 273.15) * 9 / 5 + 32,
            _ => kelvin,
        };
        return FormattableString.Invariant($"{value} {from} = {Math.Round(result, 2)} {to}");
    }

    /// <summary>Hashes text with a cryptographic hash and returns the lowercase hex digest.</summary>
    /// <param name="text">The text, hashed as UTF-8.</param>
    /// <param name="algorithm">The hash algorithm.</param>
    [McpTool(ReadOnly = true, Idempotent = true)]
    public static string HashText(string text, HashAlgorithm algorithm = HashAlgorithm.Sha256)
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

    /// <summary>Counts the characters, words and lines of a text.</summary>
    [McpTool(ReadOnly = true, Idempotent = true)]
    public static TextStats TextStats([Description("The text to measure.")] string text)
    {
        int words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        int lines = text.Length == 0 ? 0 : text.Split('\n').Length;
        return new TextStats(text.Length, words, lines);
    }

    /// <summary>The current date and time in a time zone.</summary>
    /// <param name="timeZone">An IANA time zone id such as "Europe/Oslo"; UTC when omitted.</param>
    [McpTool(ReadOnly = true)]
    public string CurrentTime(string? timeZone = null)
    {
        DateTimeOffset now = clock.GetUtcNow();
        if (timeZone is null)
        {
            return now.ToString("O");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out TimeZoneInfo? zone))
        {
            throw new McpToolException($"Unknown time zone '{timeZone}'. Use an IANA id such as \"Europe/Oslo\" or \"America/New_York\".");
        }

        return TimeZoneInfo.ConvertTime(now, zone).ToString("O");
    }

    /// <summary>Simulates a batch job over a number of items, reporting progress as it goes.</summary>
    /// <param name="items">How many items to process, 1 to 100.</param>
    /// <param name="progress">Reports progress to the client (when it asked for progress).</param>
    /// <param name="cancellationToken">Signals that the client went away or cancelled.</param>
    [McpTool]
    public static async Task<string> ProcessBatch(int items, IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        if (items is < 1 or > 100)
        {
            throw new McpToolException($"items must be between 1 and 100; {items} was given.");
        }

        for (int i = 1; i <= items; i++)
        {
            await Task.Delay(10, cancellationToken);
            progress.Report(new McpProgress(i, items, $"Processed item {i} of {items}"));
        }

        return $"Processed {items} items.";
    }
}

/// <summary>A temperature unit.</summary>
public enum TemperatureUnit
{
    Celsius,
    Fahrenheit,
    Kelvin,
}

/// <summary>A hash algorithm.</summary>
public enum HashAlgorithm
{
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

/// <summary>Character, word and line counts of a text.</summary>
public sealed record TextStats(int Characters, int Words, int Lines);
