using System;
using System.Collections.Generic;
using System.Linq;
using McpGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace McpGen.Generator.Parsing;

/// <summary>
/// Reads per-handler authorization: ASP.NET Core's <c>[Authorize]</c> and <c>[AllowAnonymous]</c> (matched by metadata
/// name: the generator does not reference ASP.NET Core) and McpGen's <c>[McpScope]</c>, on the server class (its base
/// classes included, as the attributes are inherited) and on the handler method. As on ASP.NET Core endpoints,
/// <c>[AllowAnonymous]</c> anywhere wins; otherwise the class's and the method's requirements all apply.
/// </summary>
internal static class AuthorizationParser
{
    public const string AuthorizeAttribute = "Microsoft.AspNetCore.Authorization.AuthorizeAttribute";
    public const string AllowAnonymousAttribute = "Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute";
    public const string ScopeAttribute = "McpGen.McpScopeAttribute";

    /// <summary>The authorization of a handler <paramref name="method"/> of <paramref name="server"/>, or <see langword="null"/> when anyone may use it.</summary>
    public static AuthorizationSpec? Parse(IMethodSymbol method, INamedTypeSymbol server)
    {
        var attributes = new List<AttributeData>();
        for (INamedTypeSymbol? type = server; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            attributes.InsertRange(0, type.GetAttributes());
        }

        attributes.AddRange(method.GetAttributes());
        if (attributes.Any(a => Is(a, AllowAnonymousAttribute)))
        {
            return null;
        }

        var rules = new List<AuthorizeSpec>();
        var scopes = new List<string>();
        foreach (AttributeData attribute in attributes)
        {
            if (Is(attribute, AuthorizeAttribute))
            {
                string? policy = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
                rules.Add(new AuthorizeSpec(
                    Named(attribute, "Policy") ?? policy,
                    Named(attribute, "Roles"),
                    Named(attribute, "AuthenticationSchemes")));
            }
            else if (Is(attribute, ScopeAttribute))
            {
                foreach (string scope in Scopes(attribute))
                {
                    if (!scopes.Contains(scope, StringComparer.Ordinal))
                    {
                        scopes.Add(scope);
                    }
                }
            }
        }

        return rules.Count == 0 && scopes.Count == 0 ? null : new AuthorizationSpec(rules.ToEquatableArray(), scopes.ToEquatableArray());
    }

    /// <summary>The scopes of one <c>[McpScope]</c>: its <c>params string[]</c> values (nulls dropped).</summary>
    public static IEnumerable<string> Scopes(AttributeData attribute)
    {
        foreach (TypedConstant argument in attribute.ConstructorArguments)
        {
            if (argument.Kind == TypedConstantKind.Array)
            {
                foreach (TypedConstant value in argument.Values)
                {
                    if (value.Value is string scope)
                    {
                        yield return scope;
                    }
                }
            }
            else if (argument.Value is string single)
            {
                yield return single;
            }
        }
    }

    public static bool Is(AttributeData attribute, string metadataName)
        => TypeFacts.Is(attribute.AttributeClass, metadataName);

    private static string? Named(AttributeData attribute, string name)
        => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;
}
