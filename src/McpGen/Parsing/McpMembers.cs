using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace McpGen.Generator.Parsing;

/// <summary>
/// The methods of an <c>[McpServer]</c> class that can carry MCP attributes: its own, then those inherited from its base
/// classes (up to, excluding, <see cref="object"/>). Shared by the generator and McpGen.Analyzers (linked source), so
/// both see exactly the same members.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>An overridden method counts once, as its most derived override; when that override carries no MCP attribute,
/// the nearest overridden declaration that does stands for it (the generated call dispatches virtually anyway).</item>
/// <item>Abstract methods count only for a concrete server (which overrides them); an abstract server's are skipped.</item>
/// <item>A base method hidden by a more derived method with the same signature is skipped.</item>
/// <item>Private base methods, and internal ones of an assembly that does not give access, are skipped: the generated
/// partial class cannot call them. (McpGen.Analyzers reports an [McpTool] on such a method as MCPG0004.)</item>
/// </list>
/// </remarks>
internal static class McpMembers
{
    private static readonly string[] AttributeNames =
    {
        "McpGen.McpToolAttribute",
        "McpGen.McpResourceAttribute",
        "McpGen.McpPromptAttribute",
        "McpGen.McpCompletionAttribute",
    };

    /// <summary>The ordinary methods of <paramref name="type"/>, its own first, then each base class's.</summary>
    public static List<IMethodSymbol> Of(INamedTypeSymbol type)
    {
        var result = new List<IMethodSymbol>();
        var seen = new List<IMethodSymbol>();
        var overridden = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        for (INamedTypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            bool inherited = !SymbolEqualityComparer.Default.Equals(current, type);
            var declared = new List<IMethodSymbol>();
            foreach (IMethodSymbol method in current.GetMembers().OfType<IMethodSymbol>())
            {
                if (method.MethodKind != MethodKind.Ordinary)
                {
                    continue;
                }

                if (inherited && (overridden.Contains(method.OriginalDefinition) || !IsReachable(method, type) || seen.Any(s => SameSignature(s, method))))
                {
                    continue;
                }

                declared.Add(method);
                IMethodSymbol represented = method;
                for (IMethodSymbol? @base = method.OverriddenMethod; @base is not null; @base = @base.OverriddenMethod)
                {
                    overridden.Add(@base.OriginalDefinition);
                    if (!HasMcpAttribute(represented) && HasMcpAttribute(@base) && IsReachable(@base, type))
                    {
                        represented = @base;
                    }
                }

                if (!represented.IsAbstract || !type.IsAbstract)
                {
                    result.Add(represented);
                }
            }

            seen.AddRange(declared);
        }

        return result;
    }

    /// <summary>Whether <paramref name="method"/> is declared on a base class of <paramref name="server"/> (not on it).</summary>
    public static bool IsInherited(IMethodSymbol method, INamedTypeSymbol server)
        => !SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, server.OriginalDefinition);

    /// <summary>Whether the method carries any of [McpTool], [McpResource], [McpPrompt] or [McpCompletion].</summary>
    public static bool HasMcpAttribute(IMethodSymbol method)
        => method.GetAttributes().Any(a => a.AttributeClass is { } attribute && System.Array.Exists(AttributeNames, name => TypeFacts.Is(attribute, name)));

    /// <summary>Whether code in <paramref name="server"/> can call the (inherited) <paramref name="method"/>.</summary>
    public static bool IsReachable(IMethodSymbol method, INamedTypeSymbol server)
        => method.DeclaredAccessibility switch
        {
            Accessibility.Public or Accessibility.Protected => true,
            Accessibility.Internal or Accessibility.ProtectedOrInternal or Accessibility.ProtectedAndInternal
                => method.DeclaredAccessibility == Accessibility.ProtectedOrInternal
                    || SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, server.ContainingAssembly)
                    || (method.ContainingAssembly?.GivesAccessTo(server.ContainingAssembly) ?? false),
            _ => false,
        };

    private static bool SameSignature(IMethodSymbol derived, IMethodSymbol @base)
        => derived.Name == @base.Name
            && derived.Arity == @base.Arity
            && derived.Parameters.Length == @base.Parameters.Length
            && derived.Parameters.Zip(@base.Parameters, (d, b) => d.RefKind == b.RefKind && SymbolEqualityComparer.Default.Equals(d.Type, b.Type)).All(same => same);
}
