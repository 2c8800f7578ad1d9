using System.Text;

namespace McpGen.Generator.Parsing;

/// <summary>Name conversions used for tool names, property names and C# identifiers.</summary>
internal static class Names
{
    /// <summary>
    /// The default tool name: the method name in snake_case. An underscore goes before an upper-case letter that follows
    /// a lower-case letter or digit, or that starts a new word after an acronym: <c>GetForecast</c> becomes
    /// <c>get_forecast</c>, <c>HTTPStatus</c> becomes <c>http_status</c>, <c>GetHTTPStatus2</c> becomes
    /// <c>get_http_status2</c>.
    /// </summary>
    public static string ToSnakeCase(string name)
    {
        var output = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool previousIsLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool startsWordAfterAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if ((previousIsLowerOrDigit || startsWordAfterAcronym) && output.Length > 0 && output[output.Length - 1] != '_')
                {
                    output.Append('_');
                }

                output.Append(char.ToLowerInvariant(c));
            }
            else
            {
                output.Append(c);
            }
        }

        return output.ToString();
    }

    /// <summary>
    /// camelCase as the ASP.NET Core web JSON defaults (JsonNamingPolicy.CamelCase) produce it: the leading run of
    /// upper-case letters is lowered, except the last one when a lower-case letter follows (<c>URLValue</c> becomes <c>urlValue</c>).
    /// </summary>
    public static string ToCamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        char[] chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            bool hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>A C# identifier made of the name's letters, digits and underscores (others become underscores).</summary>
    public static string ToIdentifier(string name)
    {
        var output = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            output.Append(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        return output.ToString();
    }
}
