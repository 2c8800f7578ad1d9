using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Xml.Linq;
using McpGen.Generator.Model;
using McpGen.Generator.Schema;
using Microsoft.CodeAnalysis;

namespace McpGen.Generator.Parsing;

/// <summary>
/// Turns one <c>[McpResource]</c> method into a <see cref="ResourceSpec"/>, or <see langword="null"/> when the method, its
/// URI template or its parameters are invalid. Templates are RFC 6570 level 1 (<c>{var}</c>) plus reserved expansion
/// (<c>{+var}</c>); two variables must be separated by literal text.
/// </summary>
internal static class ResourceParser
{
    private const string ResourceContentsType = "McpGen.ResourceContents";

    public static ResourceSpec? Parse(IMethodSymbol method, AttributeData attribute, int order, CancellationToken cancellationToken)
    {
        if (!ToolParser.IsCallable(method) || attribute.ConstructorArguments.FirstOrDefault().Value is not string { Length: > 0 } uri)
        {
            return null;
        }

        bool isTemplate = uri.IndexOf('{') >= 0;
        var template = new List<UriTemplatePartSpec>();
        if (isTemplate && !TryParseTemplate(uri, template))
        {
            return null;
        }

        var variables = new HashSet<string>(template.Where(p => p.IsVariable).Select(p => p.Text), System.StringComparer.Ordinal);
        var parameters = new List<ParameterSpec>();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            ParameterSpec? spec = Parameter(parameter, variables);
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

        string name = ServerParser.NamedString(attribute, "Name") ?? Names.ToSnakeCase(method.Name);
        string? mimeType = ServerParser.NamedString(attribute, "MimeType");
        XElement? docs = DocComments.Read(method, cancellationToken);
        var json = new JsonObject()
            .Add(isTemplate ? "uriTemplate" : "uri", uri)
            .Add("name", name);
        if (ServerParser.NamedString(attribute, "Title") is { } title)
        {
            json.Add("title", title);
        }

        if ((ToolParser.Description(method) ?? DocComments.Summary(docs)) is { } description)
        {
            json.Add("description", description);
        }

        if (mimeType is not null)
        {
            json.Add("mimeType", mimeType);
        }

        if (Decorations.Icons(method) is { } icons)
        {
            json.Add("icons", icons);
        }

        if (Decorations.Meta(method) is { } meta)
        {
            json.Add("_meta", meta);
        }

        bool subscribable = attribute.NamedArguments.Any(a => a.Key == "Subscribable" && a.Value.Value is true);
        return new ResourceSpec(
            Uri: uri,
            IsTemplate: isTemplate,
            Identifier: Names.ToIdentifier(name),
            MethodName: Literals.Identifier(method.Name),
            IsStatic: method.IsStatic,
            Json: json.ToJson(),
            MimeType: mimeType,
            Subscribable: subscribable,
            Order: order,
            Template: template.ToEquatableArray(),
            Parameters: parameters.ToEquatableArray(),
            Return: result,
            Requirements: ToolParser.Requirements(HandlerKindSpec.Resource, uri, method, parameters).ToEquatableArray());
    }

    /// <summary>
    /// Splits a URI template into literals and variables. Accepts <c>{name}</c> and <c>{+name}</c> with names of ASCII
    /// letters, digits and underscores (not starting with a digit), each name once, never two variables in a row.
    /// </summary>
    public static bool TryParseTemplate(string uri, List<UriTemplatePartSpec> parts)
    {
        var literal = new StringBuilder();
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        int i = 0;
        while (i < uri.Length)
        {
            char c = uri[i];
            if (c == '}')
            {
                return false;
            }

            if (c != '{')
            {
                literal.Append(c);
                i++;
                continue;
            }

            int close = uri.IndexOf('}', i + 1);
            if (close < 0)
            {
                return false;
            }

            string expression = uri.Substring(i + 1, close - i - 1);
            bool reserved = expression.StartsWith("+", System.StringComparison.Ordinal);
            string name = reserved ? expression.Substring(1) : expression;
            if (!IsVariableName(name) || !names.Add(name))
            {
                return false;
            }

            if (literal.Length > 0)
            {
                parts.Add(new UriTemplatePartSpec(literal.ToString(), IsVariable: false, Reserved: false));
                literal.Clear();
            }
            else if (parts.Count > 0)
            {
                return false;
            }

            parts.Add(new UriTemplatePartSpec(name, IsVariable: true, Reserved: reserved));
            i = close + 1;
        }

        if (literal.Length > 0)
        {
            parts.Add(new UriTemplatePartSpec(literal.ToString(), IsVariable: false, Reserved: false));
        }

        return true;
    }

    private static bool IsVariableName(string name)
        => name.Length > 0 && !char.IsDigit(name[0]) && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    private static ParameterSpec? Parameter(IParameterSymbol parameter, HashSet<string> variables)
    {
        if (!ToolParser.IsPassable(parameter))
        {
            return null;
        }

        ParameterSource source = ToolParser.SpecialSource(parameter);
        if (source != ParameterSource.Json)
        {
            return ToolParser.SupportsSpecial(HandlerKindSpec.Resource, source) ? ToolParser.Special(parameter, source) : null;
        }

        if (variables.Contains(parameter.Name))
        {
            return Variable(parameter);
        }

        return ToolParser.IsServiceType(parameter.Type) ? ToolParser.Special(parameter, ParameterSource.Service) : null;
    }

    private static ParameterSpec? Variable(IParameterSymbol parameter)
    {
        ITypeSymbol type = parameter.Type;
        if (TypeFacts.UnwrapNullable(type) is not null)
        {
            return null;
        }

        ArgumentKind kind = TypeFacts.PrimitiveKind(type);
        string? expected = kind switch
        {
            ArgumentKind.String => "string",
            ArgumentKind.Int32 or ArgumentKind.Int64 => "integer",
            ArgumentKind.Double => "number",
            ArgumentKind.Boolean => "true or false",
            ArgumentKind.Guid => "UUID",
            ArgumentKind.Enum => "one of: " + string.Join(", ", type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(f => f.Name)),
            _ => null,
        };
        if (expected is null)
        {
            return null;
        }

        return new ParameterSpec(
            Name: parameter.Name,
            Source: ParameterSource.UriVariable,
            TypeName: TypeFacts.Name(type),
            ValueTypeName: TypeFacts.ValueName(type),
            Kind: kind,
            IsNullableValueType: false,
            AllowsNull: false,
            IsRequired: true,
            DefaultLiteral: null,
            Expected: expected,
            EnumMembers: kind == ArgumentKind.Enum
                ? type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue)
                    .Select(f => new EnumMemberSpec(f.Name, TypeFacts.Name(type) + "." + Literals.Identifier(f.Name))).ToEquatableArray()
                : default,
            Service: null);
    }

    private static ReturnSpec? Return(ITypeSymbol returnType)
    {
        ITypeSymbol? type = ToolParser.UnwrapTask(returnType, out AwaitKind await);
        if (type is null || type.SpecialType == SpecialType.System_Void || type is IErrorTypeSymbol)
        {
            return null;
        }

        ReturnKind kind;
        if (type.SpecialType == SpecialType.System_String)
        {
            kind = ReturnKind.ResourceText;
        }
        else if ((type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
            || (type is INamedTypeSymbol { TypeArguments.Length: 1 } memory && TypeFacts.Is(memory, "System.ReadOnlyMemory`1")
                && memory.TypeArguments[0].SpecialType == SpecialType.System_Byte))
        {
            kind = ReturnKind.ResourceBlob;
        }
        else if (TypeFacts.DerivesFrom(type, ResourceContentsType) || ToolParser.IsEnumerableOf(type, ResourceContentsType))
        {
            kind = ReturnKind.ResourceContents;
        }
        else
        {
            return null;
        }

        return new ReturnSpec(kind, await, TypeFacts.Name(type), TypeFacts.ValueName(type), ArgumentKind.None, false, false);
    }
}
