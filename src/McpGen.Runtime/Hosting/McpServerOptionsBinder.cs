using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace McpGen;

/// <summary>
/// Binds <see cref="McpServerOptions"/> from a configuration section (appsettings.json, environment variables, ...),
/// by hand: no reflection, so it stays trim- and AOT-safe, and every bad value or unknown key is reported with its full
/// configuration path and what it must be, not silently ignored.
/// </summary>
/// <remarks>
/// Keys are the option names (<c>MaxJsonDepth</c>, <c>Sessions:IdleTimeout</c>, <c>AllowedOrigins:0</c>, ...); durations
/// are TimeSpan text (<c>00:00:10</c>) or a number of seconds. <see cref="McpServerOptions.SerializerOptions"/> is code only.
/// </remarks>
internal static class McpServerOptionsBinder
{
    private static readonly string[] s_known =
    [
        nameof(McpServerOptions.MaxRequestBodySize), nameof(McpServerOptions.MaxJsonDepth), nameof(McpServerOptions.MaxStringLength),
        nameof(McpServerOptions.MaxBatchSize), nameof(McpServerOptions.BodyReadIdleTimeout), nameof(McpServerOptions.ServeStreamableHttpOnSsePath),
        nameof(McpServerOptions.PageSize), nameof(McpServerOptions.AllowedOrigins), nameof(McpServerOptions.AllowedHosts),
        nameof(McpServerOptions.ListTimeToLive), nameof(McpServerOptions.RequestStateLifetime), nameof(McpServerOptions.DrainTimeout), nameof(McpServerOptions.Sessions),
        nameof(McpServerOptions.Tasks),
    ];

    private static readonly string[] s_knownTasks =
    [
        nameof(McpGen.Tasks.McpTaskOptions.TimeToLive), nameof(McpGen.Tasks.McpTaskOptions.PollInterval),
        nameof(McpGen.Tasks.McpTaskOptions.MaxLiveTasksPerPrincipal), nameof(McpGen.Tasks.McpTaskOptions.LeaseDuration),
        nameof(McpGen.Tasks.McpTaskOptions.SweepInterval), nameof(McpGen.Tasks.McpTaskOptions.InputPollInterval),
    ];

    private static readonly string[] s_knownSessions =
    [
        nameof(McpSessionOptions.IdleTimeout), nameof(McpSessionOptions.MaxSessions), nameof(McpSessionOptions.ReplicaId),
        nameof(McpSessionOptions.MaxConcurrentCallsPerSession), nameof(McpSessionOptions.MaxStreamsPerSession),
        nameof(McpSessionOptions.EventLogCapacity), nameof(McpSessionOptions.ClientRequestTimeout),
        nameof(McpSessionOptions.StreamRetryInterval), nameof(McpSessionOptions.StoreCacheDuration),
        nameof(McpSessionOptions.SessionlessFallback), nameof(McpSessionOptions.CallLeaseDuration),
    ];

    /// <summary>Applies the values in <paramref name="section"/>; throws listing every key it could not use.</summary>
    /// <exception cref="InvalidOperationException">A value does not parse, or a key is not an option.</exception>
    public static void Bind(IConfiguration section, McpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var reader = new Reader(section);
        reader.Unknown(section, s_known);
        reader.Long(nameof(McpServerOptions.MaxRequestBodySize), v => options.MaxRequestBodySize = v);
        reader.Int(nameof(McpServerOptions.MaxJsonDepth), v => options.MaxJsonDepth = v);
        reader.Int(nameof(McpServerOptions.MaxStringLength), v => options.MaxStringLength = v);
        reader.Int(nameof(McpServerOptions.MaxBatchSize), v => options.MaxBatchSize = v);
        reader.Duration(nameof(McpServerOptions.BodyReadIdleTimeout), v => options.BodyReadIdleTimeout = v);
        reader.Bool(nameof(McpServerOptions.ServeStreamableHttpOnSsePath), v => options.ServeStreamableHttpOnSsePath = v);
        reader.Int(nameof(McpServerOptions.PageSize), v => options.PageSize = v);
        reader.List(nameof(McpServerOptions.AllowedOrigins), options.AllowedOrigins);
        reader.List(nameof(McpServerOptions.AllowedHosts), options.AllowedHosts);
        reader.Duration(nameof(McpServerOptions.ListTimeToLive), v => options.ListTimeToLive = v);
        reader.Duration(nameof(McpServerOptions.RequestStateLifetime), v => options.RequestStateLifetime = v);
        reader.Duration(nameof(McpServerOptions.DrainTimeout), v => options.DrainTimeout = v);

        IConfigurationSection sessions = section.GetSection(nameof(McpServerOptions.Sessions));
        McpSessionOptions s = options.Sessions;
        var inner = new Reader(sessions, reader.Problems);
        inner.Unknown(sessions, s_knownSessions);
        inner.Duration(nameof(McpSessionOptions.IdleTimeout), v => s.IdleTimeout = v);
        inner.Int(nameof(McpSessionOptions.MaxSessions), v => s.MaxSessions = v);
        inner.Text(nameof(McpSessionOptions.ReplicaId), v => s.ReplicaId = v);
        inner.Int(nameof(McpSessionOptions.MaxConcurrentCallsPerSession), v => s.MaxConcurrentCallsPerSession = v);
        inner.Int(nameof(McpSessionOptions.MaxStreamsPerSession), v => s.MaxStreamsPerSession = v);
        inner.Int(nameof(McpSessionOptions.EventLogCapacity), v => s.EventLogCapacity = v);
        inner.Duration(nameof(McpSessionOptions.ClientRequestTimeout), v => s.ClientRequestTimeout = v);
        inner.Duration(nameof(McpSessionOptions.StreamRetryInterval), v => s.StreamRetryInterval = v);
        inner.Duration(nameof(McpSessionOptions.StoreCacheDuration), v => s.StoreCacheDuration = v);
        inner.Duration(nameof(McpSessionOptions.CallLeaseDuration), v => s.CallLeaseDuration = v);
        inner.Bool(nameof(McpSessionOptions.SessionlessFallback), v => s.SessionlessFallback = v);

        IConfigurationSection tasks = section.GetSection(nameof(McpServerOptions.Tasks));
        McpGen.Tasks.McpTaskOptions t = options.Tasks;
        var taskReader = new Reader(tasks, reader.Problems);
        taskReader.Unknown(tasks, s_knownTasks);
        taskReader.Duration(nameof(McpGen.Tasks.McpTaskOptions.TimeToLive), v => t.TimeToLive = v);
        taskReader.Duration(nameof(McpGen.Tasks.McpTaskOptions.PollInterval), v => t.PollInterval = v);
        taskReader.Int(nameof(McpGen.Tasks.McpTaskOptions.MaxLiveTasksPerPrincipal), v => t.MaxLiveTasksPerPrincipal = v);
        taskReader.Duration(nameof(McpGen.Tasks.McpTaskOptions.LeaseDuration), v => t.LeaseDuration = v);
        taskReader.Duration(nameof(McpGen.Tasks.McpTaskOptions.SweepInterval), v => t.SweepInterval = v);
        taskReader.Duration(nameof(McpGen.Tasks.McpTaskOptions.InputPollInterval), v => t.InputPollInterval = v);

        if (reader.Problems.Count > 0)
        {
            throw new InvalidOperationException(
                "McpGen options in configuration could not be read:" + Environment.NewLine + "  "
                + string.Join(Environment.NewLine + "  ", reader.Problems));
        }
    }

    private readonly struct Reader(IConfiguration section, List<string>? problems = null)
    {
        public List<string> Problems { get; } = problems ?? [];

        private string PathOf(string key) => section is IConfigurationSection s ? s.Path + ":" + key : key;

        public void Unknown(IConfiguration scope, string[] known)
        {
            foreach (IConfigurationSection child in scope.GetChildren())
            {
                if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    Problems.Add($"{PathOf(child.Key)} is not an McpGen option; the options are {string.Join(", ", known)}.");
                }
            }
        }

        private bool TryGet(string key, out string value)
        {
            value = section[key]!;
            return value is not null;
        }

        public void Int(string key, Action<int> set)
        {
            if (TryGet(key, out string text))
            {
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)) set(value);
                else Problems.Add($"{PathOf(key)} is '{text}'; it must be a whole number.");
            }
        }

        public void Long(string key, Action<long> set)
        {
            if (TryGet(key, out string text))
            {
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)) set(value);
                else Problems.Add($"{PathOf(key)} is '{text}'; it must be a whole number of bytes.");
            }
        }

        public void Bool(string key, Action<bool> set)
        {
            if (TryGet(key, out string text))
            {
                if (bool.TryParse(text, out bool value)) set(value);
                else Problems.Add($"{PathOf(key)} is '{text}'; it must be true or false.");
            }
        }

        public void Text(string key, Action<string> set)
        {
            if (TryGet(key, out string text))
            {
                set(text);
            }
        }

        public void Duration(string key, Action<TimeSpan> set)
        {
            if (!TryGet(key, out string text))
            {
                return;
            }

            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan value) && text.Contains(':', StringComparison.Ordinal))
            {
                set(value);
            }
            else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds))
            {
                set(seconds == -1 ? System.Threading.Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds));
            }
            else
            {
                Problems.Add($"{PathOf(key)} is '{text}'; it must be a duration such as 00:00:30 or a number of seconds (-1 for no limit where allowed).");
            }
        }

        public void List(string key, IList<string> target)
        {
            IConfigurationSection list = section.GetSection(key);
            if (list.Value is { } single)
            {
                target.Clear(); // "AllowedOrigins": "https://a.example" is one value
                target.Add(single);
                return;
            }

            string[] values = list.GetChildren().Select(c => c.Value).Where(v => v is not null).ToArray()!;
            if (values.Length > 0)
            {
                target.Clear();
                foreach (string value in values)
                {
                    target.Add(value);
                }
            }
        }
    }
}
