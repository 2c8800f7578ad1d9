using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace McpGen.Generator.Schema;

/// <summary>
/// A tiny JSON document model for building schemas at compile time (System.Text.Json is not available to a
/// netstandard2.0 generator without packing it). Objects keep insertion order, so the output is deterministic.
/// </summary>
internal abstract class JsonNode
{
    public abstract void WriteTo(StringBuilder output);

    public string ToJson()
    {
        var output = new StringBuilder();
        WriteTo(output);
        return output.ToString();
    }

    /// <summary>
    /// Writes a JSON string literal. Besides the mandatory escapes (quote, backslash, control characters) it escapes
    /// the characters C# treats as line breaks (U+0085, U+2028, U+2029) and lone surrogates, so the text is valid
    /// JSON, valid UTF-8, and safe inside a single-line C# string literal.
    /// </summary>
    public static void WriteString(StringBuilder output, string value)
    {
        output.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"':
                    output.Append("\\\"");
                    break;
                case '\\':
                    output.Append("\\\\");
                    break;
                case '\n':
                    output.Append("\\n");
                    break;
                case '\r':
                    output.Append("\\r");
                    break;
                case '\t':
                    output.Append("\\t");
                    break;
                case '\b':
                    output.Append("\\b");
                    break;
                case '\f':
                    output.Append("\\f");
                    break;
                default:
                    if (c < ' ' || c == '\u007F' || c == '\u0085' || c == '\u2028' || c == '\u2029')
                    {
                        AppendUnicodeEscape(output, c);
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        output.Append(c).Append(value[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        AppendUnicodeEscape(output, c);
                    }
                    else
                    {
                        output.Append(c);
                    }

                    break;
            }
        }

        output.Append('"');
    }

    private static void AppendUnicodeEscape(StringBuilder output, char c)
        => output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}

/// <summary>A JSON object with ordered properties; setting an existing name replaces its value in place.</summary>
internal sealed class JsonObject : JsonNode
{
    private readonly List<KeyValuePair<string, JsonNode>> _properties = new();

    public int Count => _properties.Count;

    public IReadOnlyList<KeyValuePair<string, JsonNode>> Properties => _properties;

    public JsonNode? this[string name]
    {
        get
        {
            foreach (KeyValuePair<string, JsonNode> property in _properties)
            {
                if (property.Key == name)
                {
                    return property.Value;
                }
            }

            return null;
        }
    }

    public JsonObject Add(string name, JsonNode value)
    {
        for (int i = 0; i < _properties.Count; i++)
        {
            if (_properties[i].Key == name)
            {
                _properties[i] = new KeyValuePair<string, JsonNode>(name, value);
                return this;
            }
        }

        _properties.Add(new KeyValuePair<string, JsonNode>(name, value));
        return this;
    }

    public JsonObject Add(string name, string value) => Add(name, JsonValue.String(value));

    public JsonObject Add(string name, bool value) => Add(name, JsonValue.Boolean(value));

    public JsonObject Clone()
    {
        var copy = new JsonObject();
        foreach (KeyValuePair<string, JsonNode> property in _properties)
        {
            copy._properties.Add(property);
        }

        return copy;
    }

    public override void WriteTo(StringBuilder output)
    {
        output.Append('{');
        for (int i = 0; i < _properties.Count; i++)
        {
            if (i > 0)
            {
                output.Append(',');
            }

            WriteString(output, _properties[i].Key);
            output.Append(':');
            _properties[i].Value.WriteTo(output);
        }

        output.Append('}');
    }
}

/// <summary>A JSON array.</summary>
internal sealed class JsonArray : JsonNode
{
    public List<JsonNode> Items { get; } = new();

    public JsonArray Add(JsonNode item)
    {
        Items.Add(item);
        return this;
    }

    public override void WriteTo(StringBuilder output)
    {
        output.Append('[');
        for (int i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                output.Append(',');
            }

            Items[i].WriteTo(output);
        }

        output.Append(']');
    }
}

/// <summary>A JSON scalar, held as its JSON text.</summary>
internal sealed class JsonValue : JsonNode
{
    private readonly string? _raw;
    private readonly string? _string;

    private JsonValue(string? raw, string? text)
    {
        _raw = raw;
        _string = text;
    }

    public static JsonValue Null { get; } = new("null", null);

    public static JsonValue String(string value) => new(null, value);

    public static JsonValue Boolean(bool value) => new(value ? "true" : "false", null);

    /// <summary>A number, given as its JSON text (invariant culture).</summary>
    public static JsonValue Number(string jsonText) => new(jsonText, null);

    /// <summary>The value of a JSON string; <see langword="null"/> for other scalars.</summary>
    public string? StringValue => _string;

    public override void WriteTo(StringBuilder output)
    {
        if (_string is not null)
        {
            WriteString(output, _string);
        }
        else
        {
            output.Append(_raw);
        }
    }
}
