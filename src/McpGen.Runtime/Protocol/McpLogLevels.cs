using System;
using System.Text.Json;

namespace McpGen.Protocol;

/// <summary>The wire names of <see cref="McpLogLevel"/> (<c>LoggingLevel</c>: syslog severities, lowest first).</summary>
internal static class McpLogLevels
{
    /// <summary>The threshold of <c>initialize</c>-era requests on this stateless endpoint: no session keeps a
    /// <c>logging/setLevel</c> level, so every request gets the default, info (debug messages are dropped).</summary>
    public const McpLogLevel LegacyDefault = McpLogLevel.Info;

    /// <summary>All names, for error messages.</summary>
    public const string Names = "debug, info, notice, warning, error, critical, alert, emergency";

    /// <summary>Reads a level from a string slice; <see langword="null"/> when it is not a string or not a known level.</summary>
    public static McpLogLevel? Parse(in JsonRpcMessage message, JsonSlice slice)
    {
        if (!slice.IsString)
        {
            return null;
        }

        var reader = new Utf8JsonReader(message.Raw(slice), McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
        reader.Read();
        for (McpLogLevel level = McpLogLevel.Debug; level <= McpLogLevel.Emergency; level++)
        {
            if (reader.ValueTextEquals(Name(level)))
            {
                return level;
            }
        }

        return null;
    }

    /// <summary>Reads a level from its wire name; <see langword="null"/> when unknown.</summary>
    public static McpLogLevel? TryParse(string? name)
    {
        for (McpLogLevel level = McpLogLevel.Debug; level <= McpLogLevel.Emergency; level++)
        {
            if (name is not null && Name(level).SequenceEqual(System.Text.Encoding.UTF8.GetBytes(name)))
            {
                return level;
            }
        }

        return null;
    }

    /// <summary>The wire name of a level.</summary>
    public static ReadOnlySpan<byte> Name(McpLogLevel level) => level switch
    {
        McpLogLevel.Debug => "debug"u8,
        McpLogLevel.Info => "info"u8,
        McpLogLevel.Notice => "notice"u8,
        McpLogLevel.Warning => "warning"u8,
        McpLogLevel.Error => "error"u8,
        McpLogLevel.Critical => "critical"u8,
        McpLogLevel.Alert => "alert"u8,
        McpLogLevel.Emergency => "emergency"u8,
        _ => "info"u8,
    };
}
