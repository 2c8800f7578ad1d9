using System.Collections.Generic;
using System.Linq;
using System.Threading;
using McpGen.Generator.Model;
using McpGen.Generator.Parsing;
using McpGen.Generator.Schema;
using Microsoft.CodeAnalysis;

namespace McpGen.Analyzers;

/// <summary>How the generator binds a tool parameter.</summary>
internal enum ParameterBinding
{
    /// <summary>Reported elsewhere (by-ref, pointer, type parameter) or not analyzable (error type): skip.</summary>
    Skipped,

    /// <summary>
    /// Supplied by the runtime or DI (CancellationToken, HttpContext, [FromServices], interfaces...), or meant to be and
    /// reported by MCPG0050/MCPG0051 (an excluded interface, a special value the tool cannot receive).
    /// </summary>
    Special,

    /// <summary>A JSON argument read by the generated code directly (string, numbers, enums, dates...).</summary>
    Primitive,

    /// <summary>A JSON argument read through <c>JsonTypeInfo</c> from the user's JsonSerializerContext.</summary>
    Json,

    /// <summary>No JSON Schema mapping: the generator drops the tool.</summary>
    Unsupported,
}

/// <summary>
/// Classifies tool parameters and results exactly as the generator does. The schema mapping itself is the generator's
/// <c>SchemaBuilder</c> (linked); the rest mirrors <c>ToolParser.Parameter</c>, <c>ToolParser.SpecialSource</c> and
/// <c>ToolParser.Return</c> in src/McpGen/Parsing/ToolParser.cs and must stay in sync with them.
/// </summary>
internal static class ToolTypes
{
    private const string ContentBlockType = "McpGen.ContentBlock";

    public static ParameterBinding Classify(IParameterSymbol parameter, Compilation compilation, CancellationToken cancellationToken)
    {
        ITypeSymbol type = parameter.Type;
        if (parameter.RefKind != RefKind.None || type is IPointerTypeSymbol or IFunctionPointerTypeSymbol or IErrorTypeSymbol
            || type.TypeKind is TypeKind.TypeParameter or TypeKind.Error || ContainsErrors(type))
        {
            return ParameterBinding.Skipped;
        }

        if (IsSpecial(parameter))
        {
            return ParameterBinding.Special;
        }

        if (type.IsRefLikeType)
        {
            return ParameterBinding.Unsupported;
        }

        if (new SchemaBuilder(compilation, cancellationToken).Build(type, TypeFacts.IsNullableAnnotated(type)) is null)
        {
            // Interfaces and abstract classes are services; those the convention excludes (ToolParser.NotAServiceReason)
            // are reported by MCPG0050, not as types without a JSON mapping.
            return ToolParser.IsServiceShaped(type) ? ParameterBinding.Special : ParameterBinding.Unsupported;
        }

        return TypeFacts.PrimitiveKind(type) == ArgumentKind.None ? ParameterBinding.Json : ParameterBinding.Primitive;
    }

    /// <summary>The type the generated code asks a JsonTypeInfo for: <c>T</c> for <c>T?</c>.</summary>
    public static ITypeSymbol TypeInfoType(ITypeSymbol type) => TypeFacts.NonNullable(type);

    /// <summary>
    /// The result type written through JsonTypeInfo (a "structured" result: not void, text, a primitive, content or a
    /// CallToolResult), unwrapped from Task/ValueTask and Nullable; otherwise <see langword="null"/>.
    /// </summary>
    public static ITypeSymbol? StructuredResult(IMethodSymbol method)
    {
        ITypeSymbol? type = method.ReturnType;
        switch (TypeFacts.MetadataName(type))
        {
            case "System.Threading.Tasks.Task":
            case "System.Threading.Tasks.ValueTask":
                return null;
            case "System.Threading.Tasks.Task`1":
            case "System.Threading.Tasks.ValueTask`1":
                type = ((INamedTypeSymbol)type).TypeArguments[0];
                break;
        }

        if (type.SpecialType == SpecialType.System_Void || type is IPointerTypeSymbol or IFunctionPointerTypeSymbol or IErrorTypeSymbol
            || type.IsRefLikeType || type.TypeKind is TypeKind.TypeParameter or TypeKind.Error || ContainsErrors(type)
            || TypeFacts.PrimitiveKind(type) != ArgumentKind.None
            || TypeFacts.DerivesFrom(type, ContentBlockType)
            || IsContentList(type)
            || TypeFacts.Is(type, "McpGen.CallToolResult"))
        {
            return null;
        }

        return TypeFacts.NonNullable(type);
    }

    private static bool IsSpecial(IParameterSymbol parameter)
    {
        if (TypeFacts.HasAttribute(parameter, "Microsoft.Extensions.DependencyInjection.FromKeyedServicesAttribute")
            || TypeFacts.HasAttribute(parameter, "Microsoft.AspNetCore.Mvc.FromServicesAttribute"))
        {
            return true;
        }

        ITypeSymbol type = parameter.Type;
        switch (TypeFacts.MetadataName(type))
        {
            case "System.Threading.CancellationToken":
            case "Microsoft.AspNetCore.Http.HttpContext":
            case "System.Security.Claims.ClaimsPrincipal":
            case "System.IServiceProvider":
            case "McpGen.McpRequestContext":
            case "McpGen.McpCompletionContext":
                return true;
            case "System.IProgress`1":
                return type is INamedTypeSymbol progress && TypeFacts.Is(progress.TypeArguments[0], "McpGen.McpProgress");
            default:
                return false;
        }
    }

    private static bool IsContentList(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
        {
            return TypeFacts.DerivesFrom(array.ElementType, ContentBlockType);
        }

        IEnumerable<INamedTypeSymbol> candidates = type is INamedTypeSymbol named ? type.AllInterfaces.Concat(new[] { named }) : type.AllInterfaces;
        return candidates.Any(i => TypeFacts.Is(i, "System.Collections.Generic.IEnumerable`1") && TypeFacts.DerivesFrom(i.TypeArguments[0], ContentBlockType));
    }

    private static bool ContainsErrors(ITypeSymbol type) => type switch
    {
        IErrorTypeSymbol => true,
        IArrayTypeSymbol array => ContainsErrors(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrors),
        _ => false,
    };
}
