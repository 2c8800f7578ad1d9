using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace McpGen.Analyzers;

/// <summary>Tool names as the generator computes them (the snake_case rule is the generator's own file, linked).</summary>
internal static class ToolNames
{
    public const int MaxLength = 128;

    /// <summary>The explicit name of <c>[McpTool("name")]</c>, or the method name in snake_case.</summary>
    public static string Of(IMethodSymbol method, AttributeData toolAttribute)
        => ExplicitName(toolAttribute) ?? Names.ToSnakeCase(method.Name);

    public static string? ExplicitName(AttributeData toolAttribute)
        => toolAttribute.ConstructorArguments.Length == 1 && toolAttribute.ConstructorArguments[0].Value is string name ? name : null;

    /// <summary>Whether the name matches <c>^[A-Za-z0-9_.-]{1,128}$</c>.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Where a tool's name is written: the string argument of [McpTool("name")], else the method name.</summary>
    public static Location NameLocation(IMethodSymbol method, AttributeData toolAttribute, System.Threading.CancellationToken cancellationToken)
    {
        if (ExplicitName(toolAttribute) is not null
            && toolAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList.Arguments: { Count: > 0 } arguments })
        {
            foreach (AttributeArgumentSyntax argument in arguments)
            {
                if (argument.NameEquals is null)
                {
                    return argument.GetLocation();
                }
            }
        }

        return method.Locations[0];
    }
}
