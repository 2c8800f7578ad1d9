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

        string name = TypeDisplayName(typeof(T));
        throw new InvalidOperationException(
            $"No JsonSerializerContext registered with McpGen knows the type '{name}' (namespace {typeof(T).Namespace}). " +
            $"Add [JsonSerializable(typeof({name}))] to a JsonSerializerContext of your app and register it, for example " +
            "builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default)).");
    }

    /// <summary>
    /// The type as C# writes it, without namespaces: <c>List&lt;string&gt;</c>, <c>Dictionary&lt;string, Foo&gt;</c>,
    /// <c>Foo[]</c>, <c>int?</c>, <c>Outer.Inner</c>, <c>(int, string)</c> (not the metadata name <c>List`1</c>).
    /// </summary>
    internal static string TypeDisplayName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var builder = new StringBuilder();
        AppendTypeName(builder, type);
        return builder.ToString();
    }

    private static void AppendTypeName(StringBuilder builder, Type type)
    {
        if (type.IsArray)
        {
            AppendTypeName(builder, type.GetElementType()!);
            builder.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            return;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            AppendTypeName(builder, underlying);
            builder.Append('?');
            return;
        }

        if (Keyword(type) is { } keyword)
        {
            builder.Append(keyword);
            return;
        }

        Type[] arguments = type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes;
        if (type.IsGenericType && !type.IsGenericTypeDefinition && type.Namespace == "System"
            && type.Name.StartsWith("ValueTuple`", StringComparison.Ordinal) && arguments.Length is > 1 and < 8)
        {
            builder.Append('(');
            for (int i = 0; i < arguments.Length; i++)
            {
                builder.Append(i == 0 ? string.Empty : ", ");
                AppendTypeName(builder, arguments[i]);
            }

            builder.Append(')');
            return;
        }

        int used = 0;
        AppendNamed(builder, type, arguments, ref used);
    }

    /// <summary>A (possibly nested) named type; generic arguments of the declaring types come first in <paramref name="arguments"/>.</summary>
    private static void AppendNamed(StringBuilder builder, Type type, Type[] arguments, ref int used)
    {
        if (type.IsNested && !type.IsGenericParameter && type.DeclaringType is { } declaring)
        {
            AppendNamed(builder, declaring, arguments, ref used);
            builder.Append('.');
        }

        string name = type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick < 0)
        {
            builder.Append(name);
            return;
        }

        builder.Append(name, 0, tick);
        int count = int.TryParse(name.AsSpan(tick + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;
        builder.Append('<');
        for (int i = 0; i < count && used < arguments.Length; i++, used++)
        {
            builder.Append(i == 0 ? string.Empty : ", ");
            if (!arguments[used].IsGenericParameter)
            {
                AppendTypeName(builder, arguments[used]);
            }
        }

        builder.Append('>');
    }

    private static string? Keyword(Type type)
    {
        if (type == typeof(object))
        {
            return "object";
        }

        if (type == typeof(string))
        {
            return "string";
        }

        if (type == typeof(decimal))
        {
            return "decimal";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean when !type.IsEnum => "bool",
            TypeCode.Char when !type.IsEnum => "char",
            TypeCode.SByte when !type.IsEnum => "sbyte",
            TypeCode.Byte when !type.IsEnum => "byte",
            TypeCode.Int16 when !type.IsEnum => "short",
            TypeCode.UInt16 when !type.IsEnum => "ushort",
            TypeCode.Int32 when !type.IsEnum => "int",
            TypeCode.UInt32 when !type.IsEnum => "uint",
            TypeCode.Int64 when !type.IsEnum => "long",
            TypeCode.UInt64 when !type.IsEnum => "ulong",
            TypeCode.Single => "float",
            TypeCode.Double => "double",
            _ => null,
        };
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
