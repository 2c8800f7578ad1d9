using System;
using System.Collections.Generic;
using System.Linq;
using McpGen.Generator.Model;
using McpGen.Generator.Schema;
using Microsoft.CodeAnalysis;

namespace McpGen.Generator.Parsing;

/// <summary>
/// The optional metadata attributes of servers, tools, resources and prompts: <c>[McpIcon]</c> (<c>icons</c>),
/// <c>[McpMeta]</c> (<c>_meta</c>) and, on tool parameters, <c>[McpHeader]</c> (<c>x-mcp-header</c>). Each check returns
/// the reason an attribute is invalid; the generator leaves invalid ones out and McpGen.Analyzers reports the same
/// reasons (MCPG0030, MCPG0031, MCPG0033), so the two cannot disagree.
/// </summary>
internal static class Decorations
{
    public const string IconAttribute = "McpGen.McpIconAttribute";
    public const string MetaAttribute = "McpGen.McpMetaAttribute";
    public const string HeaderAttribute = "McpGen.McpHeaderAttribute";

    // ----- [McpIcon] -----

    /// <summary>The <c>icons</c> array of a symbol's valid <c>[McpIcon]</c> attributes, or <see langword="null"/> when there are none.</summary>
    public static JsonArray? Icons(ISymbol symbol)
    {
        var icons = new JsonArray();
        foreach (AttributeData attribute in AttributesOf(symbol, IconAttribute))
        {
            if (IconError(attribute) is null)
            {
                icons.Add(Icon(attribute));
            }
        }

        return icons.Items.Count > 0 ? icons : null;
    }

    /// <summary>Why an <c>[McpIcon]</c> is invalid, or <see langword="null"/>.</summary>
    public static string? IconError(AttributeData attribute) => IconError(attribute, out _);

    /// <summary>Why an <c>[McpIcon]</c> is invalid, and which named argument is wrong (<see langword="null"/>: the source).</summary>
    public static string? IconError(AttributeData attribute, out string? argument)
    {
        argument = null;
        string? src = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        if (SourceError(src) is { } sourceError)
        {
            return sourceError;
        }

        argument = "MimeType";
        if (Named(attribute, "MimeType")?.Value is string mimeType && !IsImageMimeType(mimeType))
        {
            return $"MimeType '{mimeType}' is not an image MIME type; use one such as image/png, image/jpeg, image/svg+xml or image/webp";
        }

        argument = "Sizes";
        if (Named(attribute, "Sizes") is { Kind: TypedConstantKind.Array, IsNull: false } sizes)
        {
            foreach (TypedConstant size in sizes.Values)
            {
                if (size.Value is not string text || !IsSize(text))
                {
                    return $"size '{size.Value}' is not WxH (such as 48x48) or 'any'";
                }
            }
        }

        argument = null;
        return null;
    }

    private static string? SourceError(string? src)
    {
        if (string.IsNullOrEmpty(src))
        {
            return "the icon source is empty; give an https:// URL or a data: URI";
        }

        if (src!.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            int comma = src.IndexOf(',');
            string header = comma < 0 ? string.Empty : src.Substring(5, comma - 5);
            if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase) || !IsBase64(src.Substring(comma + 1)))
            {
                return "the data: URI must carry base64 image data, as data:image/png;base64,iVBORw0...";
            }

            return null;
        }

        if (!Uri.TryCreate(src, UriKind.Absolute, out Uri? uri) || !string.Equals(uri.Scheme, "https", StringComparison.OrdinalIgnoreCase)
            || uri.Host.Length == 0)
        {
            return $"'{src}' is not an absolute https:// URL or a data: URI (clients must refuse other schemes)";
        }

        return null;
    }

    private static JsonObject Icon(AttributeData attribute)
    {
        var icon = new JsonObject().Add("src", (string)attribute.ConstructorArguments[0].Value!);
        if (Named(attribute, "MimeType")?.Value is string mimeType)
        {
            icon.Add("mimeType", mimeType);
        }

        if (Named(attribute, "Sizes") is { Kind: TypedConstantKind.Array, IsNull: false, Values.Length: > 0 } sizes)
        {
            var list = new JsonArray();
            foreach (TypedConstant size in sizes.Values)
            {
                list.Add(JsonValue.String((string)size.Value!));
            }

            icon.Add("sizes", list);
        }

        // McpIconTheme: Any = 0 (no theme), Light = 1, Dark = 2.
        if (Named(attribute, "Theme")?.Value is int theme && theme is 1 or 2)
        {
            icon.Add("theme", theme == 1 ? "light" : "dark");
        }

        return icon;
    }

    private static bool IsImageMimeType(string value)
    {
        if (!value.StartsWith("image/", StringComparison.Ordinal) || value.Length == "image/".Length)
        {
            return false;
        }

        return value.Skip("image/".Length).All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '+' or '-');
    }

    private static bool IsSize(string value)
    {
        if (value == "any")
        {
            return true;
        }

        int x = value.IndexOf('x');
        return x > 0 && x < value.Length - 1 && value.Take(x).All(char.IsDigit) && value.Skip(x + 1).All(char.IsDigit)
            && value.All(c => c == 'x' || (c >= '0' && c <= '9'));
    }

    private static bool IsBase64(string value)
    {
        if (value.Length == 0 || value.Length % 4 != 0)
        {
            return false;
        }

        int padding = value.EndsWith("==", StringComparison.Ordinal) ? 2 : value.EndsWith("=", StringComparison.Ordinal) ? 1 : 0;
        for (int i = 0; i < value.Length - padding; i++)
        {
            char c = value[i];
            if (!(c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    // ----- [McpMeta] -----

    /// <summary>The <c>_meta</c> object of a symbol's valid <c>[McpMeta]</c> attributes (first of a key wins), or <see langword="null"/>.</summary>
    public static JsonObject? Meta(ISymbol symbol)
    {
        var meta = new JsonObject();
        foreach (AttributeData attribute in AttributesOf(symbol, MetaAttribute))
        {
            if (MetaError(attribute, out string key, out JsonNode? value) is null && meta[key] is null)
            {
                meta.Add(key, value!);
            }
        }

        return meta.Count > 0 ? meta : null;
    }

    /// <summary>Why an <c>[McpMeta]</c> is invalid (its key or its JSON value), or <see langword="null"/>.</summary>
    public static string? MetaError(AttributeData attribute, out string key, out JsonNode? value)
    {
        value = null;
        key = attribute.ConstructorArguments.Length == 2 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
        string? json = attribute.ConstructorArguments.Length == 2 ? attribute.ConstructorArguments[1].Value as string : null;
        if (MetaKeyError(key) is { } keyError)
        {
            return keyError;
        }

        if (json is null)
        {
            return $"the value of '{key}' is null; write JSON text, such as \"\\\"text\\\"\", \"42\", \"true\" or \"{{\\\"a\\\":1}}\"";
        }

        if (!JsonParser.TryParse(json, out value, out string? error))
        {
            return $"the value of '{key}' is not valid JSON ({error}); a string value needs its quotes, such as \"\\\"text\\\"\"";
        }

        return null;
    }

    /// <summary>
    /// Why a <c>_meta</c> key is invalid: the spec's format (an optional prefix of dot-separated labels ending in
    /// <c>/</c>, then a name) and its reserved prefixes (second label <c>modelcontextprotocol</c> or <c>mcp</c>).
    /// </summary>
    public static string? MetaKeyError(string key)
    {
        int slash = key.LastIndexOf('/');
        string name = slash < 0 ? key : key.Substring(slash + 1);
        if (slash >= 0)
        {
            string[] labels = key.Substring(0, slash).Split('.');
            if (labels.Any(l => !IsLabel(l)))
            {
                return $"the key '{key}' has an invalid prefix: use dot-separated labels of letters, digits and hyphens that start with a letter, then '/', as com.example/";
            }

            if (labels.Length >= 2 && labels[1] is "modelcontextprotocol" or "mcp")
            {
                return $"the key '{key}' uses the prefix '{key.Substring(0, slash + 1)}', which is reserved for the MCP specification; use your own reverse-DNS prefix, as com.example/";
            }
        }

        if (slash < 0 && name.Length == 0)
        {
            return "the key is empty; give a name such as com.example/team";
        }

        if (name.Length > 0 && (!IsAlphanumeric(name[0]) || !IsAlphanumeric(name[name.Length - 1])
            || name.Any(c => !IsAlphanumeric(c) && c is not ('-' or '_' or '.'))))
        {
            return $"the key '{key}' has an invalid name '{name}': it must start and end with a letter or digit and contain only letters, digits, '-', '_' and '.'";
        }

        return null;
    }

    private static bool IsLabel(string label)
        => label.Length > 0 && IsLetter(label[0]) && IsAlphanumeric(label[label.Length - 1]) && label.All(c => IsAlphanumeric(c) || c == '-');

    private static bool IsLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    private static bool IsAlphanumeric(char c) => IsLetter(c) || c is >= '0' and <= '9';

    // ----- [McpHeader] -----

    /// <summary>The <c>[McpHeader]</c> of a tool parameter, or <see langword="null"/>.</summary>
    public static AttributeData? HeaderOf(IParameterSymbol parameter) => TypeFacts.GetAttribute(parameter, HeaderAttribute);

    /// <summary>The header name part of an <c>[McpHeader]</c> (<c>Region</c> for <c>Mcp-Param-Region</c>).</summary>
    public static string HeaderName(AttributeData attribute)
        => attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;

    /// <summary>Why a header name is invalid (an RFC 9110 token of visible ASCII is required), or <see langword="null"/>.</summary>
    public static string? HeaderNameError(string name)
    {
        if (name.Length == 0)
        {
            return "the header name is empty; give the part after Mcp-Param-, such as \"Region\"";
        }

        foreach (char c in name)
        {
            if (!(IsAlphanumeric(c) || "!#$%&'*+-.^_`|~".IndexOf(c) >= 0))
            {
                return $"the header name '{name}' contains '{(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) : c.ToString())}'; "
                    + "use letters, digits and !#$%&'*+-.^_`|~ only (an HTTP token)";
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a parameter of <paramref name="type"/> can be mirrored into a header: its JSON value is a string, an
    /// integer within the JavaScript safe range, or a boolean (not a number, object or array).
    /// </summary>
    public static bool IsHeaderType(ITypeSymbol type) => TypeFacts.PrimitiveKind(TypeFacts.UnwrapNullable(type) ?? type) switch
    {
        ArgumentKind.None or ArgumentKind.Json or ArgumentKind.Single or ArgumentKind.Double or ArgumentKind.Decimal
            or ArgumentKind.Int64 or ArgumentKind.UInt64 => false,
        _ => true,
    };

    // ----- helpers -----

    /// <summary>The attributes of <paramref name="symbol"/> whose class has the metadata name, in source order.</summary>
    public static IEnumerable<AttributeData> AttributesOf(ISymbol symbol, string metadataName)
        => symbol.GetAttributes().Where(a => TypeFacts.Is(a.AttributeClass, metadataName));

    private static TypedConstant? Named(AttributeData attribute, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value;
            }
        }

        return null;
    }
}
