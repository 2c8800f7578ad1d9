using Microsoft.CodeAnalysis;

namespace McpGen.Analyzers;

/// <summary>
/// Follows a referenced member to a marker attribute ([RequiresMcpSession], [RequiresMcpClientInput]): the one rule of
/// every analyzer that reports calls to marked runtime APIs (MCPG0013, MCPG0014, MCPG0052).
/// </summary>
internal static class MarkedMembers
{
    /// <summary>
    /// The feature named by <paramref name="marker"/> on the member, its property (for accessors), the definition it was
    /// constructed or reduced from, a member it overrides or an interface member it implements, or any of their
    /// containing types; <see langword="null"/> when none carries it.
    /// </summary>
    public static string? Feature(ISymbol target, INamedTypeSymbol? marker)
    {
        if (marker is null)
        {
            return null;
        }

        if (target is IMethodSymbol { ReducedFrom: { } reduced })
        {
            target = reduced;
        }

        target = target.OriginalDefinition;
        if (target is IMethodSymbol { AssociatedSymbol: { } associated })
        {
            target = associated;
        }

        for (ISymbol? member = target; member is not null; member = Overridden(member))
        {
            if (OnMemberOrTypes(member, marker) is { } found)
            {
                return found;
            }
        }

        INamedTypeSymbol? containing = target.ContainingType;
        if (containing is null || target.IsStatic)
        {
            return null;
        }

        foreach (INamedTypeSymbol @interface in containing.AllInterfaces)
        {
            foreach (ISymbol interfaceMember in @interface.GetMembers(target.Name))
            {
                if (SymbolEqualityComparer.Default.Equals(containing.FindImplementationForInterfaceMember(interfaceMember)?.OriginalDefinition, target)
                    && OnMemberOrTypes(interfaceMember.OriginalDefinition, marker) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The feature named by <paramref name="marker"/> on <paramref name="symbol"/> itself (its text argument, else the
    /// symbol's name), or <see langword="null"/>.
    /// </summary>
    public static string? OwnFeature(ISymbol symbol, INamedTypeSymbol? marker)
    {
        if (McpSymbols.FindAttribute(symbol, marker) is not { } data)
        {
            return null;
        }

        return data.ConstructorArguments.Length > 0 && data.ConstructorArguments[0].Value is string { Length: > 0 } text
            ? text
            : symbol.Name;
    }

    /// <summary>How a referenced member is shown in messages: <c>Type.Member</c>, or the type for a constructor.</summary>
    public static string Describe(ISymbol target)
    {
        ISymbol shown = target is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor ? constructor.ContainingType : target;
        return shown.ContainingType is { } type && shown is not INamedTypeSymbol ? type.Name + "." + shown.Name : shown.Name;
    }

    /// <summary>The method whose body holds an operation: lambdas and local functions count as their enclosing method.</summary>
    public static IMethodSymbol? ContainingMethod(ISymbol symbol)
    {
        while (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
        {
            symbol = symbol.ContainingSymbol;
        }

        return symbol as IMethodSymbol;
    }

    private static ISymbol? Overridden(ISymbol member) => member switch
    {
        IMethodSymbol method => method.OverriddenMethod?.OriginalDefinition,
        IPropertySymbol property => property.OverriddenProperty?.OriginalDefinition,
        _ => null,
    };

    private static string? OnMemberOrTypes(ISymbol member, INamedTypeSymbol marker)
    {
        for (ISymbol? symbol = member; symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingType)
        {
            if (OwnFeature(symbol, marker) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
