using System.Globalization;
using System.Text;

namespace McpGen.Generator.Schema;

/// <summary>
/// Reads JSON text written in attributes (<c>[McpSchema]</c> keywords, <c>[McpMeta]</c> values) into the
/// <see cref="JsonNode"/> model: strict RFC 8259 (no comments, no trailing commas, one value), duplicate object keys
/// rejected, numbers kept as written. Shared with McpGen.Analyzers, which reports the error text this returns.
/// </summary>
internal static class JsonParser
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong and where.</summary>
    public static bool TryParse(string text, out JsonNode? node, out string? error)
    {
        var reader = new Reader(text);
        node = reader.ReadDocument();
        error = reader.Error;
        if (error is not null)
        {
            node = null;
            return false;
        }

        return true;
    }

    private sealed class Reader(string text)
    {
        private const int MaxDepth = 64;
        private int _position;
        private int _depth;

        public string? Error { get; private set; }

        public JsonNode? ReadDocument()
        {
            SkipWhitespace();
            if (_position >= text.Length)
            {
                return Fail("the text is empty; write a JSON value");
            }

            JsonNode? value = ReadValue();
            if (value is null)
            {
                return null;
            }

            SkipWhitespace();
            return _position < text.Length ? Fail("unexpected text after the JSON value") : value;
        }

        private JsonNode? ReadValue()
        {
            SkipWhitespace();
            if (_position >= text.Length)
            {
                return Fail("the JSON ends too early");
            }

            char c = text[_position];
            switch (c)
            {
                case '{':
                    return ReadObject();
                case '[':
                    return ReadArray();
                case '"':
                    return ReadString() is { } value ? JsonValue.String(value) : null;
                case 't':
                    return ReadLiteral("true", JsonValue.Boolean(true));
                case 'f':
                    return ReadLiteral("false", JsonValue.Boolean(false));
                case 'n':
                    return ReadLiteral("null", JsonValue.Null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return ReadNumber();
                    }

                    return Fail(char.IsLetter(c) ? $"unexpected character '{c}' (strings need double quotes)" : $"unexpected character '{c}'");
            }
        }

        private JsonNode? ReadObject()
        {
            if (++_depth > MaxDepth)
            {
                return Fail("the JSON is nested too deeply");
            }

            _position++;
            var result = new JsonObject();
            SkipWhitespace();
            if (Peek() == '}')
            {
                _position++;
                _depth--;
                return result;
            }

            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"')
                {
                    return Fail("expected a property name in double quotes");
                }

                int keyPosition = _position;
                string? key = ReadString();
                if (key is null)
                {
                    return null;
                }

                if (result[key] is not null)
                {
                    _position = keyPosition;
                    return Fail($"the property \"{key}\" appears twice");
                }

                SkipWhitespace();
                if (Peek() != ':')
                {
                    return Fail("expected ':' after the property name");
                }

                _position++;
                JsonNode? value = ReadValue();
                if (value is null)
                {
                    return null;
                }

                result.Add(key, value);
                SkipWhitespace();
                char next = Peek();
                _position++;
                if (next == '}')
                {
                    _depth--;
                    return result;
                }

                if (next != ',')
                {
                    _position--;
                    return Fail("expected ',' or '}' in the object");
                }
            }
        }

        private JsonNode? ReadArray()
        {
            if (++_depth > MaxDepth)
            {
                return Fail("the JSON is nested too deeply");
            }

            _position++;
            var result = new JsonArray();
            SkipWhitespace();
            if (Peek() == ']')
            {
                _position++;
                _depth--;
                return result;
            }

            while (true)
            {
                JsonNode? item = ReadValue();
                if (item is null)
                {
                    return null;
                }

                result.Add(item);
                SkipWhitespace();
                char next = Peek();
                _position++;
                if (next == ']')
                {
                    _depth--;
                    return result;
                }

                if (next != ',')
                {
                    _position--;
                    return Fail("expected ',' or ']' in the array");
                }
            }
        }

        private string? ReadString()
        {
            _position++;
            var value = new StringBuilder();
            while (_position < text.Length)
            {
                char c = text[_position++];
                if (c == '"')
                {
                    return value.ToString();
                }

                if (c < ' ')
                {
                    _position--;
                    Fail("a control character in a string must be escaped");
                    return null;
                }

                if (c != '\\')
                {
                    value.Append(c);
                    continue;
                }

                if (_position >= text.Length)
                {
                    break;
                }

                char escape = text[_position++];
                switch (escape)
                {
                    case '"': value.Append('"'); break;
                    case '\\': value.Append('\\'); break;
                    case '/': value.Append('/'); break;
                    case 'b': value.Append('\b'); break;
                    case 'f': value.Append('\f'); break;
                    case 'n': value.Append('\n'); break;
                    case 'r': value.Append('\r'); break;
                    case 't': value.Append('\t'); break;
                    case 'u':
                        if (_position + 4 > text.Length
                            || !int.TryParse(text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                        {
                            Fail("\\u must be followed by four hexadecimal digits");
                            return null;
                        }

                        value.Append((char)code);
                        _position += 4;
                        break;
                    default:
                        _position--;
                        Fail($"unknown escape '\\{escape}'");
                        return null;
                }
            }

            Fail("a string is not closed");
            return null;
        }

        private JsonNode? ReadNumber()
        {
            int start = _position;
            if (Peek() == '-')
            {
                _position++;
            }

            if (Peek() == '0')
            {
                _position++;
            }
            else if (!ReadDigits())
            {
                return Fail("a number needs digits");
            }

            if (Peek() == '.')
            {
                _position++;
                if (!ReadDigits())
                {
                    return Fail("a number needs digits after '.'");
                }
            }

            if (Peek() is 'e' or 'E')
            {
                _position++;
                if (Peek() is '+' or '-')
                {
                    _position++;
                }

                if (!ReadDigits())
                {
                    return Fail("a number needs digits in its exponent");
                }
            }

            return JsonValue.Number(text.Substring(start, _position - start));
        }

        private bool ReadDigits()
        {
            int start = _position;
            while (Peek() is >= '0' and <= '9')
            {
                _position++;
            }

            return _position > start;
        }

        private JsonNode? ReadLiteral(string literal, JsonNode value)
        {
            if (string.CompareOrdinal(text, _position, literal, 0, literal.Length) != 0)
            {
                return Fail("unexpected text; JSON literals are true, false and null (strings need double quotes)");
            }

            _position += literal.Length;
            return value;
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private void SkipWhitespace()
        {
            while (_position < text.Length && text[_position] is ' ' or '\t' or '\n' or '\r')
            {
                _position++;
            }
        }

        private JsonNode? Fail(string message)
        {
            Error ??= message + " (at character " + (_position + 1).ToString(CultureInfo.InvariantCulture) + ")";
            return null;
        }
    }
}
