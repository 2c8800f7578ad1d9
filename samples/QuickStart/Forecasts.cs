using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuickStart;

/// <summary>A multi-day forecast for a city.</summary>
/// <param name="City">The city.</param>
/// <param name="Days">One entry per day, starting today.</param>
public sealed record Forecast(string City, IReadOnlyList<DailyForecast> Days);

/// <summary>The forecast for one day.</summary>
public sealed record DailyForecast(DateOnly Date, double HighC, double LowC, Sky Sky);

/// <summary>What the sky does.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Sky>))]
public enum Sky
{
    Clear,
    Cloudy,
    Rain,
    Snow,
}

/// <summary>Source of forecasts (swap in a real weather API).</summary>
public interface IForecasts
{
    Task<Forecast> GetAsync(string city, int days, CancellationToken cancellationToken);
}

/// <summary>
/// A deterministic, offline forecast: a seasonal curve per latitude band, varied per city name. Good enough to
/// exercise the tools without a network.
/// </summary>
public sealed class SeasonalForecasts(TimeProvider clock) : IForecasts
{
    public Task<Forecast> GetAsync(string city, int days, CancellationToken cancellationToken)
    {
        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        int seed = StableHash(city.Trim().ToUpperInvariant());
        var list = new List<DailyForecast>(days);
        for (int i = 0; i < days; i++)
        {
            DateOnly date = today.AddDays(i);
            double season = Math.Cos((date.DayOfYear - 200) / 365.0 * 2 * Math.PI);
            double high = Math.Round(12 + 12 * season + (seed % 7) - 3 + ((seed >> 3) + i * 5) % 4, 1);
            var sky = (Sky)(((seed >> 5) + i * 3) % 4);
            if (sky == Sky.Snow && high > 3)
            {
                sky = Sky.Rain;
            }

            list.Add(new DailyForecast(date, high, Math.Round(high - 6 - (seed + i) % 3, 1), sky));
        }

        return Task.FromResult(new Forecast(city.Trim(), list));
    }

    private static int StableHash(string text)
    {
        unchecked
        {
            int hash = 17;
            foreach (char c in text)
            {
                hash = (hash * 31) + c;
            }

            return hash & 0x7FFFFFFF;
        }
    }
}

/// <summary>The JSON contract of the sample's complex tool types, generated at compile time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Forecast))]
[JsonSerializable(typeof(TextStats))]
internal sealed partial class QuickStartJson : JsonSerializerContext;
