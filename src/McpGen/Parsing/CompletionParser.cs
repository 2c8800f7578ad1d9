using System.Collections.Generic;
using System.Linq;
using McpGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace McpGen.Generator.Parsing;

/// <summary>
/// Turns the <c>[McpCompletion]</c> attributes of one method into <see cref="CompletionSpec"/>s (one per attribute).
/// The method takes the partial value as its first <c>string</c> parameter, optionally a <c>McpCompletionContext</c>, a
/// <c>CancellationToken</c>, special values and services, and returns a sequence of strings or a task of one. Invalid
/// methods or attributes yield nothing; whether the target prompt or template exists is checked by <see cref="ServerParser"/>.
/// </summary>
internal static class CompletionParser
{
    public static IEnumerable<CompletionSpec> Parse(IMethodSymbol method, IEnumerable<AttributeData> attributes)
    {
        if (!ToolParser.IsCallable(method))
        {
            yield break;
        }

        var parameters = new List<ParameterSpec>();
        bool hasValue = false;
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            ParameterSpec? spec = Parameter(parameter, ref hasValue);
            if (spec is null)
            {
                yield break;
            }

            parameters.Add(spec);
        }

        ITypeSymbol? result = ToolParser.UnwrapTask(method.ReturnType, out AwaitKind await);
        if (!hasValue || result is null || !IsStringSequence(result))
        {
            yield break;
        }

        EquatableArray<RequirementSpec> requirements = ToolParser.Requirements(HandlerKindSpec.Completion, method.Name, method, parameters).ToEquatableArray();
        foreach (AttributeData attribute in attributes)
        {
            string? prompt = ServerParser.NamedString(attribute, "Prompt");
            string? template = ServerParser.NamedString(attribute, "ResourceTemplate");
            string? argument = ServerParser.NamedString(attribute, "Argument");
            if ((prompt is null) == (template is null) || string.IsNullOrEmpty(argument))
            {
                continue;
            }

            yield return new CompletionSpec(
                IsPrompt: prompt is not null,
                Target: (prompt ?? template)!,
                Argument: argument!,
                Identifier: Names.ToIdentifier(method.Name),
                MethodName: Literals.Identifier(method.Name),
                IsStatic: method.IsStatic,
                Parameters: parameters.ToEquatableArray(),
                Await: await,
                ResultTypeName: TypeFacts.Name(result),
                Requirements: requirements);
        }
    }

    private static ParameterSpec? Parameter(IParameterSymbol parameter, ref bool hasValue)
    {
        if (!ToolParser.IsPassable(parameter))
        {
            return null;
        }

        ParameterSource source = ToolParser.SpecialSource(parameter);
        if (source != ParameterSource.Json)
        {
            return ToolParser.SupportsSpecial(HandlerKindSpec.Completion, source) ? ToolParser.Special(parameter, source) : null;
        }

        if (parameter.Type.SpecialType == SpecialType.System_String && !hasValue)
        {
            hasValue = true;
            return ToolParser.Special(parameter, ParameterSource.CompletionValue);
        }

        return ToolParser.IsServiceType(parameter.Type) ? ToolParser.Special(parameter, ParameterSource.Service) : null;
    }

    private static bool IsStringSequence(ITypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return false;
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return array.ElementType.SpecialType == SpecialType.System_String;
        }

        IEnumerable<INamedTypeSymbol> candidates = type is INamedTypeSymbol named ? type.AllInterfaces.Concat(new[] { named }) : type.AllInterfaces;
        return candidates.Any(i => TypeFacts.Is(i, "System.Collections.Generic.IEnumerable`1") && i.TypeArguments[0].SpecialType == SpecialType.System_String);
    }
}
