using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace McpGen.Analyzers;

/// <summary>Where to report: an attribute argument, a parameter's type, a method's return type.</summary>
internal static class SyntaxLocations
{
    /// <summary>
    /// The first positional argument of the attribute (<paramref name="name"/> <see langword="null"/>) or the named
    /// argument <paramref name="name"/>; else the attribute; else <paramref name="fallback"/>.
    /// </summary>
    public static Location Argument(AttributeData attribute, string? name, Location fallback, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return fallback;
        }

        foreach (AttributeArgumentSyntax argument in syntax.ArgumentList?.Arguments ?? default)
        {
            if (name is null ? argument.NameEquals is null && argument.NameColon is null : argument.NameEquals?.Name.Identifier.ValueText == name)
            {
                return argument.GetLocation();
            }
        }

        return syntax.GetLocation();
    }

    /// <summary>The type syntax of a parameter, else its name.</summary>
    public static Location ParameterType(IParameterSymbol parameter, CancellationToken cancellationToken)
        => parameter.DeclaringSyntaxReferences.Length > 0
            && parameter.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is ParameterSyntax { Type: { } type }
                ? type.GetLocation()
                : parameter.Locations[0];

    /// <summary>The return type syntax of a method, else its name.</summary>
    public static Location ReturnType(IMethodSymbol method, CancellationToken cancellationToken)
        => method.DeclaringSyntaxReferences.Length > 0
            && method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration
                ? declaration.ReturnType.GetLocation()
                : method.Locations[0];

    /// <summary>What is wrong with a method the generator cannot call (see <c>ToolParser.IsCallable</c>), or <see langword="null"/>.</summary>
    public static string? CallProblem(IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.Ordinary)
        {
            return "it is not an ordinary method";
        }

        if (method.IsGenericMethod)
        {
            return "it is generic; remove the type parameters";
        }

        if (method.IsAsync && method.ReturnsVoid)
        {
            return "it is async void; return Task<T> or ValueTask<T>";
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return "it returns by reference; return by value";
        }

        return null;
    }

    /// <summary>Why a parameter cannot be passed at all (see <c>ToolParser.IsPassable</c>), or <see langword="null"/>.</summary>
    public static string? PassProblem(IParameterSymbol parameter)
        => parameter.RefKind switch
        {
            RefKind.Ref => "passed by ref",
            RefKind.Out => "an out parameter",
            RefKind.In => "passed by in",
            RefKind.RefReadOnlyParameter => "passed by ref readonly",
            _ => parameter.Type.TypeKind switch
            {
                TypeKind.Pointer or TypeKind.FunctionPointer => "a pointer",
                TypeKind.TypeParameter => "of a type parameter",
                _ => parameter.Type.IsRefLikeType ? "a ref struct" : null,
            },
        };

    /// <summary>Whether the type or a type in it is an error type (the compiler reports those; the analyzers stay quiet).</summary>
    public static bool ContainsErrors(ITypeSymbol type) => type switch
    {
        IErrorTypeSymbol => true,
        IArrayTypeSymbol array => ContainsErrors(array.ElementType),
        INamedTypeSymbol named => System.Linq.Enumerable.Any(named.TypeArguments, ContainsErrors),
        _ => type.TypeKind == TypeKind.Error,
    };
}
