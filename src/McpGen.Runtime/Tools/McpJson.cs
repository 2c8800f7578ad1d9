using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace McpGen;

/// <summary>JSON helpers for generated code: type information only through resolvers, never reflection.</summary>
public static class McpJson
{
    /// <summary>
    /// Returns the <see cref="JsonTypeInfo{T}"/> for <typeparamref name="T"/> from <paramref name="options"/>' resolver chain.
    /// </summary>
    /// <exception cref="InvalidOperationException">No resolver knows the type; the message says how to register it.</exception>
    public static JsonTypeInfo<T> GetTypeInfo<T>(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            if (options.TryGetTypeInfo(typeof(T), out JsonTypeInfo? info) && info is JsonTypeInfo<T> typed)
            {
                return typed;
            }
        }
        catch (NotSupportedException)
        {
            // Falls through to the explanation below.
        }

        throw new InvalidOperationException(
            $"No JsonSerializerContext registered with McpGen knows the type '{typeof(T).FullName}'. " +
            $"Add [JsonSerializable(typeof({typeof(T).Name}))] to a JsonSerializerContext of your app and register it, for example " +
            "builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default)).");
    }

    /// <summary>The JSON text of a boolean (<c>true</c> or <c>false</c>), for tools that return one.</summary>
    public static string ToJsonText(bool value) => value ? "true" : "false";

    /// <summary>The JSON text of a signed integer.</summary>
    public static string ToJsonText(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The JSON text of an unsigned integer.</summary>
    public static string ToJsonText(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The JSON text of a number (as System.Text.Json writes it).</summary>
    public static string ToJsonText(float value) => Write(value, static (w, v) => w.WriteNumberValue(v));

    /// <summary>The JSON text of a number (as System.Text.Json writes it).</summary>
    public static string ToJsonText(double value) => Write(value, static (w, v) => w.WriteNumberValue(v));

    /// <summary>The JSON text of a number (as System.Text.Json writes it).</summary>
    public static string ToJsonText(decimal value) => Write(value, static (w, v) => w.WriteNumberValue(v));

    /// <summary>The JSON text of a string (quoted and escaped).</summary>
    public static string ToJsonText(string value) => Write(value, static (w, v) => w.WriteStringValue(v));

    /// <summary>The JSON text of a GUID (a quoted string).</summary>
    public static string ToJsonText(Guid value) => Write(value, static (w, v) => w.WriteStringValue(v));

    /// <summary>The JSON text of a date-time (a quoted ISO 8601 string).</summary>
    public static string ToJsonText(DateTime value) => Write(value, static (w, v) => w.WriteStringValue(v));

    /// <summary>The JSON text of a date-time with offset (a quoted ISO 8601 string).</summary>
    public static string ToJsonText(DateTimeOffset value) => Write(value, static (w, v) => w.WriteStringValue(v));

    /// <summary>The JSON text of a date (a quoted <c>yyyy-MM-dd</c> string).</summary>
    public static string ToJsonText(DateOnly value) => ToJsonText(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>The JSON text of a time of day (a quoted <c>HH:mm:ss[.fffffff]</c> string, as System.Text.Json writes it).</summary>
    public static string ToJsonText(TimeOnly value)
        => ToJsonText(value.ToString(value.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.fffffff", CultureInfo.InvariantCulture));

    /// <summary>The JSON text of a time span (a quoted <c>[-][d.]hh:mm:ss[.fffffff]</c> string, as System.Text.Json writes it).</summary>
    public static string ToJsonText(TimeSpan value) => ToJsonText(value.ToString("c", CultureInfo.InvariantCulture));

    private static string Write<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
