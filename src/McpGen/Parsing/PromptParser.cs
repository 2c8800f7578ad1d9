using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Xml.Linq;
using McpGen.Generator.Model;
using McpGen.Generator.Schema;
using Microsoft.CodeAnalysis;

namespace McpGen.Generator.Parsing;

/// <summary>
/// Turns one <c>[McpPrompt]</c> method into a <see cref="PromptSpec"/>, or <see langword="null"/> when it is invalid. The
/// prompt arguments are the <c>string</c> parameters (required unless nullable or defaulted); the other parameters must
/// be special values or services.
/// </summary>
internal static class PromptParser
{
    public static PromptSpec? Parse(IMethodSymbol method, AttributeData attribute, CancellationToken cancellationToken)
    {
        if (!ToolParser.IsCallable(method))
        {
            return null;
        }

        string name = attribute.ConstructorArguments.FirstOrDefault().Value as string ?? Names.ToSnakeCase(method.Name);
        if (name.Length == 0)
        {
            return null;
        }

        XElement? docs = DocComments.Read(method, cancellationToken);
        var arguments = new JsonArray();
        var parameters = new List<ParameterSpec>();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            ParameterSpec? spec = Parameter(parameter, docs, arguments);
            if (spec is null)
            {
                return null;
            }

            parameters.Add(spec);
        }

        ReturnSpec? result = Return(method.ReturnType);
        if (result is null)
        {
            return null;
        }

        var json = new JsonObject().Add("name", name);
        if (ServerParser.NamedString(attribute, "Title") is { } title)
        {
            json.Add("title", title);
        }

        if ((ToolParser.Description(method) ?? DocComments.Summary(docs)) is { } description)
        {
            json.Add("description", description);
        }

        if (Decorations.Icons(method) is { } icons)
        {
            json.Add("icons", icons);
        }

        json.Add("arguments", arguments);
        if (Decorations.Meta(method) is { } meta)
        {
            json.Add("_meta", meta);
        }

        return new PromptSpec(
            Name: name,
            Identifier: Names.ToIdentifier(name),
            MethodName: Literals.Identifier(method.Name),
            IsStatic: method.IsStatic,
            Json: json.ToJson(),
            Parameters: parameters.ToEquatableArray(),
            Return: result,
            Requirements: ToolParser.Requirements(HandlerKindSpec.Prompt, name, method, parameters).ToEquatableArray());
    }

    private static ParameterSpec? Parameter(IParameterSymbol parameter, XElement? docs, JsonArray arguments)
    {
        if (!ToolParser.IsPassable(parameter))
        {
            return null;
        }

        ParameterSource source = ToolParser.SpecialSource(parameter);
        if (source != ParameterSource.Json)
        {
            return ToolParser.SupportsSpecial(HandlerKindSpec.Prompt, source) ? ToolParser.Special(parameter, source) : null;
        }

        ITypeSymbol type = parameter.Type;
        if (type.SpecialType != SpecialType.System_String)
        {
            return ToolParser.IsServiceType(type) ? ToolParser.Special(parameter, ParameterSource.Service) : null;
        }

        bool nullable = TypeFacts.IsNullableAnnotated(type);
        bool required = !nullable && !parameter.HasExplicitDefaultValue;
        var argument = new JsonObject().Add("name", parameter.Name);
        if ((ToolParser.Description(parameter) ?? DocComments.Param(docs, parameter.Name)) is { } description)
        {
            argument.Add("description", description);
        }

        arguments.Add(argument.Add("required", required));
        return new ParameterSpec(
            Name: parameter.Name,
            Source: ParameterSource.Json,
            TypeName: TypeFacts.Name(type),
            ValueTypeName: TypeFacts.ValueName(type),
            Kind: ArgumentKind.String,
            IsNullableValueType: false,
            AllowsNull: nullable,
            IsRequired: required,
            DefaultLiteral: parameter.HasExplicitDefaultValue ? Literals.CSharp(parameter.ExplicitDefaultValue, type) : null,
            Expected: "string",
            EnumMembers: default,
            Service: null);
    }

    private static ReturnSpec? Return(ITypeSymbol returnType)
    {
        ITypeSymbol? type = ToolParser.UnwrapTask(returnType, out AwaitKind await);
        if (type is null || type is IErrorTypeSymbol)
        {
            return null;
        }

        ReturnKind kind;
        if (type.SpecialType == SpecialType.System_String)
        {
            kind = ReturnKind.PromptText;
        }
        else if (TypeFacts.Is(type, "McpGen.PromptMessage"))
        {
            kind = ReturnKind.PromptMessage;
        }
        else if (TypeFacts.Is(type, "McpGen.GetPromptResult"))
        {
            kind = ReturnKind.PromptResult;
        }
        else if (ToolParser.IsEnumerableOf(type, "McpGen.PromptMessage"))
        {
            kind = ReturnKind.PromptMessages;
        }
        else
        {
            return null;
        }

        return new ReturnSpec(kind, await, TypeFacts.Name(type), TypeFacts.ValueName(type), ArgumentKind.None, false, false);
    }
}
