using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Http;

/// <summary>
/// The MCP request headers: where each one is read and checked. <c>MCP-Protocol-Version</c> selects the legacy version
/// (<see cref="McpEraDetector"/>); on 2026-07-28 requests <c>MCP-Protocol-Version</c>, <c>Mcp-Method</c> and
/// <c>Mcp-Name</c> must mirror the body (<see cref="ValidateModern"/>, <see cref="ValidateName"/>), and so must the
/// <c>Mcp-Param-{Name}</c> headers of a tool's <c>x-mcp-header</c> arguments (<see cref="ValidateParams"/>); 400 + -32020
/// otherwise. <c>Mcp-Session-Id</c> and <c>Last-Event-ID</c> are never read: this endpoint is stateless.
/// </summary>
internal static class McpHeaders
{
    public const string ProtocolVersion = "MCP-Protocol-Version";
    public const string Method = "Mcp-Method";
    public const string Name = "Mcp-Name";

    private const string Base64Prefix = "=?base64?";
    private const string Base64Suffix = "?=";

    /// <summary>Reads one header: <see langword="null"/> when absent; several values are joined (and then fail to match).</summary>
    public static string? Get(IHeaderDictionary headers, string name)
        => headers.TryGetValue(name, out StringValues values) && values.Count > 0 ? (values.Count == 1 ? values[0] : values.ToString()) : null;

    /// <summary>
    /// Checks the mirrored headers of a 2026-07-28 request against its body. Call after the version is known to be
    /// supported. Returns <see langword="null"/> when they match.
    /// </summary>
    public static McpError? ValidateModern(IHeaderDictionary headers, in JsonRpcMessage message)
    {
        string? version = Get(headers, ProtocolVersion);
        if (version is null)
        {
            return Missing(ProtocolVersion, McpProtocolVersions.Modern, "params._meta[\"io.modelcontextprotocol/protocolVersion\"]");
        }

        if (!string.Equals(version, McpProtocolVersions.Modern, StringComparison.Ordinal))
        {
            return Mismatch(ProtocolVersion, version, McpProtocolVersions.Modern);
        }

        string? method = Get(headers, Method);
        if (method is null)
        {
            return Missing(Method, message.MethodText, "the request's \"method\"");
        }

        bool methodMatches = McpMethods.NameOf(message.Method) is { } known
            ? string.Equals(method, known, StringComparison.Ordinal)
            : message.StringEquals(message.MethodName, method);
        if (!methodMatches)
        {
            return Mismatch(Method, method, message.MethodText);
        }

        return null;
    }

    /// <summary>
    /// Checks <c>Mcp-Name</c> against <paramref name="bodyValue"/> (<c>params.name</c> or <c>params.uri</c>), decoding
    /// the <c>=?base64?...?=</c> form first. Nothing to check when the body has no string value (the method reports that).
    /// </summary>
    public static McpError? ValidateName(IHeaderDictionary headers, in JsonRpcMessage message, JsonSlice bodyValue, string bodyMember)
    {
        if (!bodyValue.IsString)
        {
            return null;
        }

        string? header = Get(headers, Name);
        if (header is null)
        {
            return Missing(Name, message.GetString(bodyValue)!, bodyMember);
        }

        if (Decode(header) is not { } value)
        {
            return Malformed(Name, header, bodyMember);
        }

        return message.StringEquals(bodyValue, value) ? null : Mismatch(Name, value, message.GetString(bodyValue)!);
    }

    /// <summary>
    /// Checks the <c>Mcp-Param-{Name}</c> headers of a 2026-07-28 <c>tools/call</c> against its arguments (the tool's
    /// <c>x-mcp-header</c> parameters). An argument with a value (not absent, not <c>null</c>) needs its header, equal to it
    /// after decoding: strings exactly, numbers numerically, booleans as <c>true</c>/<c>false</c>. An argument without a value
    /// must not have one: a router would act on a value the tool never sees. Call after <c>arguments</c> is known to be an
    /// object or absent.
    /// </summary>
    public static McpError? ValidateParams(IHeaderDictionary headers, in JsonRpcMessage message, McpToolDefinition tool)
    {
        ReadOnlySpan<byte> arguments = message.Arguments.IsObject ? message.Raw(message.Arguments) : default;
        foreach (McpToolHeader declared in tool.Headers)
        {
            string? header = Get(headers, declared.HeaderName);
            ArgumentValue argument = FindArgument(arguments, declared.Argument);
            if (argument.Type is JsonTokenType.None or JsonTokenType.Null)
            {
                if (header is not null)
                {
                    return new McpError(400, JsonRpcErrorCodes.HeaderMismatch,
                        $"Header mismatch: {declared.HeaderName} header value '{header}' was sent, but argument '{declared.Argument}' of tool '{tool.Name}' has no value. "
                        + $"Send {declared.HeaderName} only when the arguments carry '{declared.Argument}', with the same value.");
                }

                continue;
            }

            if (header is null)
            {
                if (argument.Type is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    continue; // not a primitive: no header to send; binding reports the argument as invalid
                }

                return new McpError(400, JsonRpcErrorCodes.HeaderMismatch,
                    $"Header mismatch: the {declared.HeaderName} header is missing. Tool '{tool.Name}' mirrors argument '{declared.Argument}' into it (x-mcp-header in tools/list), "
                    + $"so 2026-07-28 requests must send {declared.HeaderName}: {argument.Text} (=?base64?...?= for values that are not plain ASCII).");
            }

            if (Decode(header) is not { } value)
            {
                return Malformed(declared.HeaderName, header, $"argument '{declared.Argument}'");
            }

            if (!Matches(argument, value))
            {
                return new McpError(400, JsonRpcErrorCodes.HeaderMismatch,
                    $"Header mismatch: {declared.HeaderName} header value '{value}' does not match argument '{declared.Argument}' ({argument.Text}). "
                    + "Send the same value in the header and the arguments.");
            }
        }

        return null;
    }

    /// <summary>
    /// The value a mirrored header carries: the text of a <c>=?base64?...?=</c> header decoded (strict base64 of UTF-8),
    /// or the header as is; <see langword="null"/> when it is malformed (bad base64 or UTF-8, or characters other than
    /// visible ASCII, space and tab).
    /// </summary>
    internal static string? Decode(string header)
    {
        foreach (char c in header)
        {
            if (c is not ('\t' or (>= ' ' and <= '~')))
            {
                return null;
            }
        }

        if (header.Length < Base64Prefix.Length + Base64Suffix.Length
            || !header.StartsWith(Base64Prefix, StringComparison.Ordinal) || !header.EndsWith(Base64Suffix, StringComparison.Ordinal))
        {
            return header; // without both markers the value is literal
        }

        ReadOnlySpan<char> encoded = header.AsSpan(Base64Prefix.Length, header.Length - Base64Prefix.Length - Base64Suffix.Length);
        if (!IsStrictBase64(encoded))
        {
            return null;
        }

        byte[] decoded = ArrayPool<byte>.Shared.Rent(Math.Max(1, encoded.Length));
        try
        {
            if (!Convert.TryFromBase64Chars(encoded, decoded, out int written))
            {
                return null;
            }

            try
            {
                return s_strictUtf8.GetString(decoded, 0, written);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Standard base64 with its padding and nothing else (no whitespace, no URL-safe alphabet).</summary>
    private static bool IsStrictBase64(ReadOnlySpan<char> value)
    {
        if (value.Length == 0 || value.Length % 4 != 0)
        {
            return false;
        }

        int padding = value[^1] == '=' ? (value[^2] == '=' ? 2 : 1) : 0;
        foreach (char c in value[..^padding])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Matches(in ArgumentValue argument, string value) => argument.Type switch
    {
        JsonTokenType.String => string.Equals(argument.String, value, StringComparison.Ordinal),
        JsonTokenType.True => value == "true",
        JsonTokenType.False => value == "false",
        JsonTokenType.Number => SameNumber(argument.Text, value),
        _ => false,
    };

    /// <summary>Compares numerically, so <c>42</c> matches <c>42.0</c> (the spec's SHOULD for integers).</summary>
    private static bool SameNumber(string body, string header)
    {
        const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (decimal.TryParse(body, Styles, CultureInfo.InvariantCulture, out decimal left)
            && decimal.TryParse(header, Styles, CultureInfo.InvariantCulture, out decimal right))
        {
            return left == right;
        }

        return double.TryParse(body, Styles, CultureInfo.InvariantCulture, out double a)
            && double.TryParse(header, Styles, CultureInfo.InvariantCulture, out double b)
            && a == b && double.IsFinite(a);
    }

    /// <summary>A top-level argument: its token type, its text as JSON (for messages and numbers) and, for strings, its value.</summary>
    private readonly record struct ArgumentValue(JsonTokenType Type, string Text, string? String);

    /// <summary>Finds a top-level member of the arguments object (the last one when repeated, as the binder reads it).</summary>
    private static ArgumentValue FindArgument(ReadOnlySpan<byte> arguments, string name)
    {
        if (arguments.IsEmpty)
        {
            return default;
        }

        var reader = new Utf8JsonReader(arguments, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
        reader.Read(); // StartObject
        ArgumentValue found = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool match = reader.ValueTextEquals(name);
            reader.Read();
            if (match)
            {
                found = reader.TokenType switch
                {
                    JsonTokenType.String => new ArgumentValue(JsonTokenType.String, "'" + reader.GetString() + "'", reader.GetString()),
                    JsonTokenType.Number => new ArgumentValue(JsonTokenType.Number, Encoding.UTF8.GetString(reader.ValueSpan), null),
                    JsonTokenType.True => new ArgumentValue(JsonTokenType.True, "true", null),
                    JsonTokenType.False => new ArgumentValue(JsonTokenType.False, "false", null),
                    JsonTokenType.Null => new ArgumentValue(JsonTokenType.Null, "null", null),
                    _ => new ArgumentValue(reader.TokenType, reader.TokenType == JsonTokenType.StartObject ? "an object" : "an array", null),
                };
            }

            reader.Skip();
        }

        return found;
    }

    private static McpError Malformed(string header, string value, string source)
        => new(400, JsonRpcErrorCodes.HeaderMismatch,
            $"Header mismatch: {header} header value '{value}' is malformed: use visible ASCII as is, or =?base64?...?= holding the standard base64 (with padding) of the UTF-8 bytes of {source}.");

    private static McpError Missing(string header, string expected, string source)
        => new(400, JsonRpcErrorCodes.HeaderMismatch,
            $"Header mismatch: the required {header} header is missing. 2026-07-28 requests must send {header}: {expected} (the value of {source}).");

    private static McpError Mismatch(string header, string headerValue, string bodyValue)
        => new(400, JsonRpcErrorCodes.HeaderMismatch,
            $"Header mismatch: {header} header value '{headerValue}' does not match body value '{bodyValue}'. Send the same value in the header and the body.");
}
