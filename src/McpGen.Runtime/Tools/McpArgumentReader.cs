using System;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace McpGen;

/// <summary>
/// Reads a tool's <c>arguments</c> object for generated binders: one property at a time, primitives straight from
/// <see cref="Utf8JsonReader"/>, complex values through <see cref="JsonTypeInfo{T}"/>. Every failed read is recorded on
/// the <see cref="McpHandlerContext"/> with the argument name, the expected type and what was received.
/// </summary>
/// <example>
/// <code>
/// var args = new McpArgumentReader(context);
/// while (args.MoveNext())
/// {
///     if (args.NameIs("city"u8)) { hasCity = args.TryReadString("city", out city); }
///     else { args.Skip(); }
/// }
/// </code>
/// </example>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct McpArgumentReader
{
    private const int MaxShownLength = 60;
    private readonly McpHandlerContext _context;
    private Utf8JsonReader _json;
    private bool _hasObject;
    private bool _atValue;

    /// <summary>Starts reading the call's arguments. An absent <c>arguments</c> reads as an empty object.</summary>
    public McpArgumentReader(McpHandlerContext context)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        // The message reader's depth limit: arguments it accepted are never too deep to read (or skip) here.
        _json = new Utf8JsonReader(context.Arguments.Span, new JsonReaderOptions { MaxDepth = Protocol.JsonRpcMessageReader.MaxDepth });
        _hasObject = !context.Arguments.IsEmpty && _json.Read() && _json.TokenType == JsonTokenType.StartObject;
        _atValue = false;
    }

    /// <summary>Moves to the next property; <see langword="false"/> at the end of the object.</summary>
    public bool MoveNext()
    {
        if (!_hasObject)
        {
            return false;
        }

        if (_atValue)
        {
            // The previous property's value was peeked but not consumed (for example by NameIs + IsNull only).
            _json.Skip();
            _atValue = false;
        }

        if (!_json.Read() || _json.TokenType != JsonTokenType.PropertyName)
        {
            _hasObject = false;
            return false;
        }

        return true;
    }

    /// <summary>Whether the current property's name is <paramref name="utf8Name"/>. Call right after <see cref="MoveNext"/>.</summary>
    public readonly bool NameIs(ReadOnlySpan<byte> utf8Name) => !_atValue && _json.ValueTextEquals(utf8Name);

    /// <summary>Whether the current property's value is JSON <c>null</c> (the value stays to be read or skipped).</summary>
    public bool IsNull
    {
        get
        {
            EnsureValue();
            return _json.TokenType == JsonTokenType.Null;
        }
    }

    /// <summary>Skips the current property's value.</summary>
    public void Skip()
    {
        EnsureValue();
        _json.Skip();
        _atValue = false;
    }

    /// <summary>Reads a string.</summary>
    public bool TryReadString(string name, out string value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.String && TryGetText(out string? text))
        {
            value = text;
            return Consumed(true);
        }

        value = null!;
        return Invalid(name, "string");
    }

    /// <summary>
    /// Consumes the current value when it is a string equal to <paramref name="utf8"/> (escapes decoded): how enum
    /// arguments are bound without allocating a string. When nothing matches, call <see cref="Invalid"/>.
    /// </summary>
    public bool TryMatchString(ReadOnlySpan<byte> utf8)
    {
        EnsureValue();
        return _json.TokenType == JsonTokenType.String && IsValidText() && _json.ValueTextEquals(utf8) && Consumed(true);
    }

    /// <summary>Reads a single character (a one-character string).</summary>
    public bool TryReadChar(string name, out char value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.String && TryGetText(out string? text))
        {
            if (text.Length == 1)
            {
                value = text[0];
                return Consumed(true);
            }
        }

        value = default;
        return Invalid(name, "string of exactly one character");
    }

    /// <summary>Reads a boolean.</summary>
    public bool TryReadBoolean(string name, out bool value)
    {
        EnsureValue();
        if (_json.TokenType is JsonTokenType.True or JsonTokenType.False)
        {
            value = _json.TokenType == JsonTokenType.True;
            return Consumed(true);
        }

        value = default;
        return Invalid(name, "boolean");
    }

    /// <summary>Reads an integer in the range of <see cref="byte"/>.</summary>
    public bool TryReadByte(string name, out byte value)
    {
        bool ok = TryReadIntegral(name, byte.MinValue, byte.MaxValue, "integer from 0 to 255", out long raw);
        value = (byte)raw;
        return ok;
    }

    /// <summary>Reads an integer in the range of <see cref="sbyte"/>.</summary>
    public bool TryReadSByte(string name, out sbyte value)
    {
        bool ok = TryReadIntegral(name, sbyte.MinValue, sbyte.MaxValue, "integer from -128 to 127", out long raw);
        value = (sbyte)raw;
        return ok;
    }

    /// <summary>Reads an integer in the range of <see cref="short"/>.</summary>
    public bool TryReadInt16(string name, out short value)
    {
        bool ok = TryReadIntegral(name, short.MinValue, short.MaxValue, "integer from -32768 to 32767", out long raw);
        value = (short)raw;
        return ok;
    }

    /// <summary>Reads an integer in the range of <see cref="ushort"/>.</summary>
    public bool TryReadUInt16(string name, out ushort value)
    {
        bool ok = TryReadIntegral(name, ushort.MinValue, ushort.MaxValue, "integer from 0 to 65535", out long raw);
        value = (ushort)raw;
        return ok;
    }

    /// <summary>Reads an integer in the range of <see cref="int"/>.</summary>
    public bool TryReadInt32(string name, out int value)
    {
        bool ok = TryReadIntegral(name, int.MinValue, int.MaxValue, "integer (32-bit)", out long raw);
        value = (int)raw;
        return ok;
    }

    /// <summary>Reads an integer in the range of <see cref="uint"/>.</summary>
    public bool TryReadUInt32(string name, out uint value)
    {
        bool ok = TryReadIntegral(name, uint.MinValue, uint.MaxValue, "integer from 0 to 4294967295", out long raw);
        value = (uint)raw;
        return ok;
    }

    /// <summary>Reads an integer in the range of <see cref="long"/>.</summary>
    public bool TryReadInt64(string name, out long value)
        => TryReadIntegral(name, long.MinValue, long.MaxValue, "integer (64-bit)", out value);

    /// <summary>Reads a non-negative integer in the range of <see cref="ulong"/>.</summary>
    public bool TryReadUInt64(string name, out ulong value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.Number)
        {
            if (_json.TryGetUInt64(out value))
            {
                return Consumed(true);
            }

            if (_json.TryGetDouble(out double d) && d >= 0 && d <= ulong.MaxValue && Math.Floor(d) == d)
            {
                value = (ulong)d;
                return Consumed(true);
            }
        }

        value = default;
        return Invalid(name, "non-negative integer (64-bit)");
    }

    /// <summary>Reads a number as <see cref="float"/>.</summary>
    public bool TryReadSingle(string name, out float value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.Number && _json.TryGetSingle(out value) && float.IsFinite(value))
        {
            return Consumed(true);
        }

        value = default;
        return Invalid(name, "number");
    }

    /// <summary>Reads a number as <see cref="double"/>.</summary>
    public bool TryReadDouble(string name, out double value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.Number && _json.TryGetDouble(out value) && double.IsFinite(value))
        {
            return Consumed(true);
        }

        value = default;
        return Invalid(name, "number");
    }

    /// <summary>Reads a number as <see cref="decimal"/>.</summary>
    public bool TryReadDecimal(string name, out decimal value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.Number && _json.TryGetDecimal(out value))
        {
            return Consumed(true);
        }

        value = default;
        return Invalid(name, "number (decimal)");
    }

    /// <summary>Reads a GUID string (<c>format: uuid</c>).</summary>
    public bool TryReadGuid(string name, out Guid value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.String && IsValidText() && _json.TryGetGuid(out value))
        {
            return Consumed(true);
        }

        value = default;
        return Invalid(name, "string in UUID format");
    }

    /// <summary>
    /// Reads an ISO 8601 date-time string, offset optional (the schema's <c>pattern</c>; what System.Text.Json writes:
    /// no offset for <see cref="DateTimeKind.Unspecified"/>), as System.Text.Json reads it.
    /// </summary>
    public bool TryReadDateTime(string name, out DateTime value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.String && IsValidText() && _json.TryGetDateTime(out value))
        {
            return Consumed(true);
        }

        value = default;
        return Invalid(name, ExpectedDateTime);
    }

    /// <summary>Reads an ISO 8601 date-time string with offset (<c>format: date-time</c> and the schema's <c>pattern</c>).</summary>
    public bool TryReadDateTimeOffset(string name, out DateTimeOffset value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.String && IsValidText() && _json.TryGetDateTimeOffset(out value))
        {
            return Consumed(true);
        }

        value = default;
        return Invalid(name, ExpectedDateTimeOffset);
    }

    /// <summary>Reads a <c>yyyy-MM-dd</c> date string (<c>format: date</c>).</summary>
    public bool TryReadDateOnly(string name, out DateOnly value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.String && TryGetText(out string? text)
            && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
        {
            return Consumed(true);
        }

        value = default;
        return Invalid(name, ExpectedDateOnly);
    }

    /// <summary>
    /// Reads an <c>HH:mm:ss[.fffffff]</c> time string (the schema's <c>pattern</c>; what System.Text.Json writes), and
    /// also <c>HH:mm</c>. A time with an offset is refused: a <see cref="TimeOnly"/> cannot keep it.
    /// </summary>
    public bool TryReadTimeOnly(string name, out TimeOnly value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.String && TryGetText(out string? text)
            && TimeOnly.TryParseExact(text, s_timeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
        {
            return Consumed(true);
        }

        value = default;
        return Invalid(name, ExpectedTimeOnly);
    }

    private static readonly string[] s_timeFormats = ["HH:mm:ss", "HH:mm", "HH:mm:ss.FFFFFFF"];

    /// <summary>
    /// Reads a time span in the invariant <c>"c"</c> format, <c>[-][d.]hh:mm:ss[.fffffff]</c> (the schema's
    /// <c>pattern</c>; what System.Text.Json writes), and also an ISO 8601 duration such as <c>PT1H30M</c>.
    /// </summary>
    public bool TryReadTimeSpan(string name, out TimeSpan value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.String && TryGetText(out string? text))
        {
            if (TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value)
                || IsoDuration.TryParse(text, out value))
            {
                return Consumed(true);
            }
        }

        value = default;
        return Invalid(name, ExpectedTimeSpan);
    }

    // The generator's WireFormats.Expected* say the same, for the arguments it reports itself.
    private const string ExpectedDateTime = "string in ISO 8601 date-time format (yyyy-MM-ddTHH:mm:ss[.fffffff], offset optional)";
    private const string ExpectedDateTimeOffset = "string in ISO 8601 date-time format with offset (yyyy-MM-ddTHH:mm:ss[.fffffff]Z or +hh:mm)";
    private const string ExpectedDateOnly = "string in yyyy-MM-dd date format";
    private const string ExpectedTimeOnly = "string in HH:mm:ss[.fffffff] time format (no offset)";
    private const string ExpectedTimeSpan = "string in [-][d.]hh:mm:ss[.fffffff] time span format (for example 01:30:00)";

    /// <summary>Reads an absolute URI string (<c>format: uri</c>).</summary>
    public bool TryReadUri(string name, out Uri value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.String && TryGetText(out string? text) && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
        {
            value = uri;
            return Consumed(true);
        }

        value = null!;
        return Invalid(name, "string holding an absolute URI");
    }

    /// <summary>Reads a complex value (object, array, dictionary) through its <see cref="JsonTypeInfo{T}"/>.</summary>
    public bool TryReadJson<T>(string name, string expected, JsonTypeInfo<T> typeInfo, out T value)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        EnsureValue();
        Utf8JsonReader checkpoint = _json;
        try
        {
            value = JsonSerializer.Deserialize(ref _json, typeInfo)!;
            return Consumed(true);
        }
        catch (JsonException ex)
        {
            _json = checkpoint;
            value = default!;
            return InvalidJson(name, expected, typeInfo, ex);
        }
        catch (InvalidOperationException) when (HasInvalidText(checkpoint))
        {
            // A string inside the value holds an escaped lone surrogate: the client's mistake, not the server's.
            _json = checkpoint;
            value = default!;
            return Invalid(name, expected + " (with valid Unicode text: a string in it holds an escaped lone surrogate)");
        }
    }

    /// <summary>
    /// Records why System.Text.Json refused a complex value: where (the argument name and the JSON path), what the
    /// type expects there (from the type information) and what came (read again from the arguments).
    /// </summary>
    private bool InvalidJson(string name, string expected, JsonTypeInfo typeInfo, JsonException exception)
    {
        string path = exception.Path is { Length: > 0 } p ? p : "$";
        bool container = _json.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray;
        if (path == "$" && !container)
        {
            return Invalid(name, expected); // a scalar where an object or array belongs
        }

        string where = name + path[1..];
        string problem;
        if (path != "$" && JsonPath.TryParse(path, out JsonPath.Segment[] segments))
        {
            Utf8JsonReader probe = _json;
            string? received = JsonPath.Navigate(ref probe, segments) ? Describe(ref probe) : null;
            string? expectedThere = JsonPath.ExpectedAt(typeInfo, segments);
            problem = expectedThere is not null && received is not null
                ? "expected " + expectedThere + ", received " + received
                : Problem(exception) + (received is null ? string.Empty : " (received " + received + ")");
        }
        else
        {
            problem = Problem(exception);
        }

        _context.ReportInvalidValue(name, path == "$" ? null : where, problem);
        _json.Skip();
        _atValue = false;
        return false;
    }

    /// <summary>System.Text.Json's message without its <c>Path: ... | LineNumber: ...</c> suffix (the path is reported apart).</summary>
    private static string Problem(JsonException exception)
    {
        string message = exception.Message;
        int suffix = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return (suffix > 0 ? message[..suffix] : message).TrimEnd();
    }

    /// <summary>Records an invalid value for the current property and consumes it.</summary>
    public bool Invalid(string name, string expected)
    {
        EnsureValue();
        _context.ReportInvalidArgument(name, expected, DescribeCurrent());
        _json.Skip();
        _atValue = false;
        return false;
    }

    private bool TryReadIntegral(string name, long min, long max, string expected, out long value)
    {
        EnsureValue();
        if (_json.TokenType == JsonTokenType.Number)
        {
            if (_json.TryGetInt64(out value) && value >= min && value <= max)
            {
                return Consumed(true);
            }

            // Accept integral values written with a fraction or exponent (3.0, 1e3): models often send them.
            if (_json.TryGetDouble(out double d) && Math.Floor(d) == d && d >= min && d <= max)
            {
                value = (long)d;
                return Consumed(true);
            }
        }

        value = default;
        return Invalid(name, expected);
    }

    /// <summary>The current string's text; <see langword="false"/> when it holds an escaped lone surrogate (no valid text).</summary>
    private readonly bool TryGetText([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        Utf8JsonReader json = _json;
        return TryGetText(ref json, out text);
    }

    /// <summary>Decodes the current string token; <see langword="false"/> when it holds an escaped lone surrogate.</summary>
    private static bool TryGetText(ref Utf8JsonReader json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        try
        {
            text = json.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    private readonly bool IsValidText() => !_json.ValueIsEscaped || TryGetText(out _);

    /// <summary>Whether any string in the value at <paramref name="reader"/> (a copy) holds no valid text.</summary>
    private static bool HasInvalidText(Utf8JsonReader reader)
    {
        int depth = reader.CurrentDepth;
        do
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            }
        }
        while (reader.Read() && reader.CurrentDepth > depth);

        return false;
    }

    private void EnsureValue()
    {
        if (!_atValue)
        {
            _json.Read();
            _atValue = true;
        }
    }

    private bool Consumed(bool result)
    {
        _atValue = false;
        return result;
    }

    private string DescribeCurrent() => Describe(ref _json);

    private static string Describe(ref Utf8JsonReader json)
    {
        switch (json.TokenType)
        {
            case JsonTokenType.String:
                if (!TryGetText(ref json, out string? text))
                {
                    return "a string holding an escaped lone surrogate (such as \\ud800), which is no valid text";
                }

                return "string \"" + (text.Length > MaxShownLength ? text[..MaxShownLength] + "…" : text) + "\"";
            case JsonTokenType.Number:
                return "number " + System.Text.Encoding.UTF8.GetString(json.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.Null:
                return "null";
            case JsonTokenType.StartObject:
                return "an object";
            case JsonTokenType.StartArray:
                return "an array";
            default:
                return json.TokenType.ToString();
        }
    }
    /// <summary>The JSON paths System.Text.Json reports (<c>$.a['b.c'][2]</c>): parsed, walked in the arguments and in the type information.</summary>
    private static class JsonPath
    {
        public readonly record struct Segment(string? Name, int Index);

        public static bool TryParse(string path, out Segment[] segments)
        {
            var list = new System.Collections.Generic.List<Segment>();
            segments = [];
            int i = 1; // after "$"
            while (i < path.Length)
            {
                if (path[i] == '.')
                {
                    int end = i + 1;
                    while (end < path.Length && path[end] is not ('.' or '['))
                    {
                        end++;
                    }

                    list.Add(new Segment(path[(i + 1)..end], -1));
                    i = end;
                }
                else if (path.AsSpan(i).StartsWith("['"))
                {
                    int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        return false;
                    }

                    list.Add(new Segment(path[(i + 2)..end].Replace("\\'", "'", StringComparison.Ordinal), -1));
                    i = end + 2;
                }
                else if (path[i] == '[')
                {
                    int end = path.IndexOf(']', i);
                    if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                    {
                        return false;
                    }

                    list.Add(new Segment(null, index));
                    i = end + 1;
                }
                else
                {
                    return false;
                }
            }

            segments = [.. list];
            return true;
        }

        /// <summary>Moves <paramref name="json"/> (at the value's first token) to the value the segments name.</summary>
        public static bool Navigate(ref Utf8JsonReader json, Segment[] segments)
        {
            foreach (Segment segment in segments)
            {
                if (!Step(ref json, segment))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool Step(ref Utf8JsonReader json, Segment segment)
        {
            if (segment.Name is { } name && json.TokenType == JsonTokenType.StartObject)
            {
                while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                {
                    bool match = string.Equals(json.GetString(), name, StringComparison.OrdinalIgnoreCase);
                    if (!json.Read())
                    {
                        return false;
                    }

                    if (match)
                    {
                        return true;
                    }

                    json.Skip();
                }

                return false;
            }

            if (segment.Name is null && json.TokenType == JsonTokenType.StartArray)
            {
                for (int i = 0; json.Read() && json.TokenType != JsonTokenType.EndArray; i++)
                {
                    if (i == segment.Index)
                    {
                        return true;
                    }

                    json.Skip();
                }
            }

            return false;
        }

        /// <summary>What the type information expects at the path, in the words of the binder's messages; null when unknown.</summary>
        public static string? ExpectedAt(JsonTypeInfo root, Segment[] segments)
        {
            JsonTypeInfo info = root;
            try
            {
                foreach (Segment segment in segments)
                {
                    Type? next = info.Kind switch
                    {
                        JsonTypeInfoKind.Object when segment.Name is { } name => PropertyType(info, name),
                        JsonTypeInfoKind.Enumerable when segment.Name is null => info.ElementType,
                        JsonTypeInfoKind.Dictionary when segment.Name is not null => info.ElementType,
                        _ => null,
                    };
                    if (next is null)
                    {
                        return null;
                    }

                    info = info.Options.GetTypeInfo(next);
                }

                return Expected(info);
            }
            catch (NotSupportedException)
            {
                return null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        private static Type? PropertyType(JsonTypeInfo info, string name)
        {
            foreach (JsonPropertyInfo property in info.Properties)
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.PropertyType;
                }
            }

            return null;
        }

        private static string? Expected(JsonTypeInfo info)
        {
            Type type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
            string? orNull = type != info.Type ? " or null" : null;
            string? expected = Type.GetTypeCode(type) switch
            {
                TypeCode.String => "string",
                TypeCode.Char => "string of exactly one character",
                TypeCode.Boolean => "boolean",
                TypeCode.Byte when !type.IsEnum => "integer from 0 to 255",
                TypeCode.SByte when !type.IsEnum => "integer from -128 to 127",
                TypeCode.Int16 when !type.IsEnum => "integer from -32768 to 32767",
                TypeCode.UInt16 when !type.IsEnum => "integer from 0 to 65535",
                TypeCode.Int32 when !type.IsEnum => "integer (32-bit)",
                TypeCode.UInt32 when !type.IsEnum => "integer from 0 to 4294967295",
                TypeCode.Int64 when !type.IsEnum => "integer (64-bit)",
                TypeCode.UInt64 when !type.IsEnum => "non-negative integer (64-bit)",
                TypeCode.Single or TypeCode.Double => "number",
                TypeCode.Decimal => "number (decimal)",
                TypeCode.DateTime => ExpectedDateTime,
                _ => null,
            };
            if (expected is null)
            {
                if (type.IsEnum)
                {
                    expected = ExpectedEnum(info, type);
                }
                else if (type == typeof(DateTimeOffset))
                {
                    expected = ExpectedDateTimeOffset;
                }
                else if (type == typeof(DateOnly))
                {
                    expected = ExpectedDateOnly;
                }
                else if (type == typeof(TimeOnly))
                {
                    expected = ExpectedTimeOnly;
                }
                else if (type == typeof(TimeSpan))
                {
                    expected = ExpectedTimeSpan;
                }
                else if (type == typeof(Guid))
                {
                    expected = "string in UUID format";
                }
                else if (type == typeof(Uri))
                {
                    expected = "string holding a URI";
                }
                else if (type == typeof(byte[]))
                {
                    expected = "base64 string";
                }
                else
                {
                    expected = info.Kind switch
                    {
                        JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "object",
                        JsonTypeInfoKind.Enumerable => "array",
                        _ => null,
                    };
                }
            }

            return expected is null ? null : expected + orNull;
        }

        /// <summary>An enum's names when its converter writes names, else its numbers (how System.Text.Json writes the first member tells).</summary>
        private static string ExpectedEnum(JsonTypeInfo info, Type type)
        {
            string[] names = Enum.GetNames(type);
            if (names.Length == 0)
            {
                return "integer";
            }

            try
            {
                byte[] written = JsonSerializer.SerializeToUtf8Bytes(Enum.Parse(type, names[0]), info);
                return written.Length > 0 && written[0] == (byte)'"'
                    ? "one of: " + string.Join(", ", names)
                    : "integer (a value of " + type.Name + "; names need a string enum converter)";
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidCastException or ArgumentException or JsonException)
            {
                return "a value of " + type.Name;
            }
        }
    }
}
