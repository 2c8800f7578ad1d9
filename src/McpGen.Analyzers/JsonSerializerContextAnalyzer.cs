using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// Warns when a tool's parameter or result type goes through JsonTypeInfo (every non-primitive JSON argument and every
/// structured result, as the generator emits them) but no JsonSerializerContext in the compilation knows it (MCPG0012).
/// A context knows the types of its [JsonSerializable(typeof(T))] attributes and everything the System.Text.Json
/// generator reaches from them: property types, collection elements, dictionary values, [JsonDerivedType]s.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class JsonSerializerContextAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.TypeMissingFromJsonContext);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is not { JsonSerializerContext: { } contextType, JsonSerializableAttribute: { } serializable } symbols)
            {
                return;
            }

            var registry = new Lazy<HashSet<ITypeSymbol>>(
                () => KnownTypes(start.Compilation, contextType, serializable, start.CancellationToken),
                LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSymbolAction(symbolContext => AnalyzeMethod(symbolContext, symbols, registry), SymbolKind.Method);
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, McpSymbols symbols, Lazy<HashSet<ITypeSymbol>> registry)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (symbols.ToolAttributeOf(method) is null
            || !symbols.IsServerMember(method)
            || method.IsGenericMethod
            || method.DeclaringSyntaxReferences.Length == 0
            || method.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken) is not MethodDeclarationSyntax declaration)
        {
            return;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (ToolTypes.Classify(parameter, context.Compilation, context.CancellationToken) == ParameterBinding.Json
                && parameter.DeclaringSyntaxReferences.Length > 0
                && parameter.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken) is ParameterSyntax { Type: { } type })
            {
                Check(context, registry.Value, ToolTypes.TypeInfoType(parameter.Type), type.GetLocation(), "Parameter '" + parameter.Name + "'", method);
            }
        }

        if (ToolTypes.StructuredResult(method) is { } result)
        {
            TypeSyntax returnType = declaration.ReturnType;
            SimpleNameSyntax? name = returnType switch
            {
                QualifiedNameSyntax qualified => qualified.Right,
                AliasQualifiedNameSyntax alias => alias.Name,
                SimpleNameSyntax simple => simple,
                _ => null,
            };
            if (name is GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } generic
                && !SymbolEqualityComparer.Default.Equals(method.ReturnType, result))
            {
                returnType = generic.TypeArgumentList.Arguments[0]; // the T of Task<T> / ValueTask<T>
            }

            Check(context, registry.Value, result, returnType.GetLocation(), "The result", method);
        }
    }

    private static void Check(SymbolAnalysisContext context, HashSet<ITypeSymbol> registry, ITypeSymbol type, Location location, string what, IMethodSymbol method)
    {
        if (registry.Contains(type))
        {
            return;
        }

        string display = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticIds.TypeNameProperty, type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))
            .Add(DiagnosticIds.TypeDisplayProperty, display);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.TypeMissingFromJsonContext, location, properties, what, method.Name, display));
    }

    /// <summary>Every type some source JsonSerializerContext of the compilation can give a JsonTypeInfo for.</summary>
    private static HashSet<ITypeSymbol> KnownTypes(Compilation compilation, INamedTypeSymbol contextType, INamedTypeSymbol serializable, CancellationToken cancellationToken)
    {
        var known = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (INamedTypeSymbol context in Contexts(compilation.Assembly.GlobalNamespace, contextType))
        {
            foreach (AttributeData attribute in context.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, serializable)
                    && attribute.ConstructorArguments.Length > 0
                    && attribute.ConstructorArguments[0].Value is ITypeSymbol type)
                {
                    Reach(type, known);
                }
            }
        }

        return known;
    }

    /// <summary>The non-abstract classes deriving from JsonSerializerContext declared in source, in any namespace or type.</summary>
    public static IEnumerable<INamedTypeSymbol> Contexts(INamespaceOrTypeSymbol container, INamedTypeSymbol contextType)
    {
        foreach (ISymbol member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
            {
                foreach (INamedTypeSymbol found in Contexts(ns, contextType))
                {
                    yield return found;
                }
            }
            else if (member is INamedTypeSymbol type)
            {
                if (type.TypeKind == TypeKind.Class && !type.IsAbstract && DerivesFrom(type, contextType))
                {
                    yield return type;
                }

                foreach (INamedTypeSymbol found in Contexts(type, contextType))
                {
                    yield return found;
                }
            }
        }
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        for (INamedTypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds a type and what the System.Text.Json generator generates along with it.</summary>
    private static void Reach(ITypeSymbol type, HashSet<ITypeSymbol> known)
    {
        if (type is IErrorTypeSymbol || !known.Add(type))
        {
            return;
        }

        if (TypeFacts.UnwrapNullable(type) is { } underlying)
        {
            Reach(underlying, known);
            return;
        }

        if (type is IArrayTypeSymbol array)
        {
            Reach(array.ElementType, known);
            return;
        }

        if (type is not INamedTypeSymbol named)
        {
            return;
        }

        foreach (ITypeSymbol argument in named.TypeArguments)
        {
            Reach(argument, known);
        }

        foreach (AttributeData attribute in named.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonDerivedTypeAttribute"
                && attribute.ConstructorArguments.Length > 0
                && attribute.ConstructorArguments[0].Value is ITypeSymbol derived)
            {
                Reach(derived, known);
            }
        }

        string ns = named.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        if (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("Microsoft.", StringComparison.Ordinal))
        {
            return;
        }

        for (INamedTypeSymbol? current = named; current is not null && current.SpecialType == SpecialType.None; current = current.BaseType)
        {
            foreach (IPropertySymbol property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (!property.IsStatic && !property.IsIndexer && property.DeclaredAccessibility == Accessibility.Public
                    && property.GetMethod is { DeclaredAccessibility: Accessibility.Public })
                {
                    Reach(property.Type, known);
                }
            }
        }
    }
}
