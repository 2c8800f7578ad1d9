using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using McpGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace McpGen.Generator.Parsing;

/// <summary>
/// Turns an <c>[McpServer]</c> class symbol into a <see cref="ServerSpec"/>. Invalid input is skipped silently
/// (the server, or just the tool): McpGen.Analyzers reports it. Analyzers judge, the generator obeys.
/// </summary>
internal static class ServerParser
{
    public const string ServerAttribute = "McpGen.McpServerAttribute";
    private const string ToolAttribute = "McpGen.McpToolAttribute";

    public static ServerSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || !IsValidServerType(type, cancellationToken))
        {
            return null;
        }

        if (!TryGetContainingTypes(type, cancellationToken, out List<TypeDeclarationSpec> containingTypes))
        {
            return null;
        }

        Compilation compilation = context.SemanticModel.Compilation;
        AttributeData attribute = context.Attributes[0];
        var tools = new List<ToolSpec>();
        foreach (IMethodSymbol method in type.GetMembers().OfType<IMethodSymbol>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TypeFacts.GetAttribute(method, ToolAttribute) is { } toolAttribute
                && ToolParser.Parse(method, toolAttribute, compilation, cancellationToken) is { } tool)
            {
                tools.Add(tool);
            }
        }

        tools = WithoutDuplicateNames(tools);
        var constructor = new List<ServiceSpec>();
        DisposeKind dispose = DisposeKind.None;
        if (tools.Any(t => !t.IsStatic))
        {
            if (type.IsAbstract || !TryGetConstructorServices(type, constructor))
            {
                return null;
            }

            dispose = TypeFacts.Implements(type, "System.IAsyncDisposable") ? DisposeKind.AsyncDisposable
                : TypeFacts.Implements(type, "System.IDisposable") ? DisposeKind.Disposable
                : DisposeKind.None;
        }

        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : string.Empty;
        string hintPrefix = string.Join(".", containingTypes.Select(t => t.Name).Concat(new[] { type.Name }));
        return new ServerSpec(
            HintName: (ns.Length > 0 ? ns + "." : string.Empty) + hintPrefix + ".McpServer.g.cs",
            Namespace: ns,
            ContainingTypes: containingTypes.ToEquatableArray(),
            Declaration: Declaration(type),
            TypeName: TypeFacts.Name(type),
            Name: NamedString(attribute, "Name") ?? type.Name,
            Version: NamedString(attribute, "Version") ?? AssemblyVersion(compilation) ?? "1.0.0",
            Title: NamedString(attribute, "Title"),
            Instructions: NamedString(attribute, "Instructions"),
            SessionMode: SessionMode(attribute),
            Constructor: constructor.ToEquatableArray(),
            Dispose: dispose,
            Tools: tools.ToEquatableArray());
    }

    private static bool IsValidServerType(INamedTypeSymbol type, CancellationToken cancellationToken)
        => type.TypeKind == TypeKind.Class && !type.IsStatic && !type.IsGenericType && IsPartial(type, cancellationToken);

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
        => type.DeclaringSyntaxReferences.Length > 0
            && type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static bool TryGetContainingTypes(INamedTypeSymbol type, CancellationToken cancellationToken, out List<TypeDeclarationSpec> result)
    {
        result = new List<TypeDeclarationSpec>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsGenericType || !IsPartial(outer, cancellationToken))
            {
                return false;
            }

            result.Insert(0, Declaration(outer));
        }

        return true;
    }

    private static TypeDeclarationSpec Declaration(INamedTypeSymbol type)
    {
        string keyword = (type.TypeKind, type.IsRecord) switch
        {
            (TypeKind.Struct, true) => "partial record struct",
            (TypeKind.Struct, false) => "partial struct",
            (TypeKind.Interface, _) => "partial interface",
            (_, true) => "partial record",
            _ => "partial class",
        };
        return new TypeDeclarationSpec(keyword, Literals.Identifier(type.Name));
    }

    private static List<ToolSpec> WithoutDuplicateNames(List<ToolSpec> tools)
    {
        var duplicates = new HashSet<string>(tools.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key), StringComparer.Ordinal);
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ToolSpec>();
        foreach (ToolSpec tool in tools.Where(t => !duplicates.Contains(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            string identifier = tool.Identifier;
            for (int i = 2; !identifiers.Add(identifier); i++)
            {
                identifier = tool.Identifier + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            result.Add(tool with { Identifier = identifier });
        }

        return result;
    }

    private static bool TryGetConstructorServices(INamedTypeSymbol type, List<ServiceSpec> services)
    {
        IMethodSymbol? constructor = type.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Accessibility.Public)
            .OrderByDescending(c => c.Parameters.Length)
            .FirstOrDefault();
        if (constructor is null)
        {
            return false;
        }

        foreach (IParameterSymbol parameter in constructor.Parameters)
        {
            if (parameter.RefKind != RefKind.None || parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol || parameter.Type.IsRefLikeType)
            {
                return false;
            }

            services.Add(ToolParser.Service(parameter));
        }

        return true;
    }

    private static string? NamedString(AttributeData attribute, string name)
        => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

    private static SessionModeSpec SessionMode(AttributeData attribute)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == "Session" && argument.Value.Value is int session)
            {
                return session switch
                {
                    1 => SessionModeSpec.Sticky,
                    2 => SessionModeSpec.Store,
                    _ => SessionModeSpec.Stateless,
                };
            }
        }

        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == "Stateless" && argument.Value.Value is false)
            {
                return SessionModeSpec.Sticky;
            }
        }

        return SessionModeSpec.Stateless;
    }

    private static string? AssemblyVersion(Compilation compilation)
    {
        AttributeData? attribute = TypeFacts.GetAttribute(compilation.Assembly, "System.Reflection.AssemblyInformationalVersionAttribute");
        if (attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is string { Length: > 0 } version)
        {
            int plus = version.IndexOf('+');
            return plus > 0 ? version.Substring(0, plus) : version;
        }

        return null;
    }
}
