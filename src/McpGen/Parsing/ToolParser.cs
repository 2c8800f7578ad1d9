using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Xml.Linq;
using McpGen.Generator.Model;
using McpGen.Generator.Schema;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace McpGen.Generator.Parsing;

/// <summary>Turns one <c>[McpTool]</c> method into a <see cref="ToolSpec"/>, or <see langword="null"/> when the method is invalid.</summary>
internal static class ToolParser
{
    private const string DescriptionAttribute = "System.ComponentModel.DescriptionAttribute";
    private const string ContentBlockType = "McpGen.ContentBlock";

    public static ToolSpec? Parse(IMethodSymbol method, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken)
    {
        if (!IsCallable(method))
        {
            return null;
        }

        string name = attribute.ConstructorArguments.FirstOrDefault().Value as string ?? Names.ToSnakeCase(method.Name);
        XElement? docs = DocComments.Read(method, cancellationToken);
        var inputBuilder = new SchemaBuilder(compilation, cancellationToken, closeObjects: true);
        var properties = new JsonObject();
        var required = new JsonArray();
        var parameters = new List<ParameterSpec>();
        var headers = new List<HeaderSpec>();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            ParameterSpec? spec = Parameter(parameter, docs, inputBuilder, properties, required, headers);
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

        JsonObject? outputSchema = OutputSchema(method.ReturnType, result, compilation, cancellationToken);
        if (result.Kind == ReturnKind.Structured && outputSchema is null)
        {
            return null;
        }

        var tool = new JsonObject().Add("name", name);
        if (NamedArgument(attribute, "Title")?.Value is string title)
        {
            tool.Add("title", title);
        }

        if ((Description(method) ?? DocComments.Summary(docs)) is { } description)
        {
            tool.Add("description", description);
        }

        if (Decorations.Icons(method) is { } icons)
        {
            tool.Add("icons", icons);
        }

        tool.Add("inputSchema", InputSchema(properties, required, inputBuilder, method));
        if (outputSchema is not null)
        {
            tool.Add("outputSchema", outputSchema);
        }

        if (Annotations(attribute) is { } annotations)
        {
            tool.Add("annotations", annotations);
        }

        if (Decorations.Meta(method) is { } meta)
        {
            tool.Add("_meta", meta);
        }

        return new ToolSpec(
            Name: name,
            Identifier: Names.ToIdentifier(name),
            MethodName: Literals.Identifier(method.Name),
            IsStatic: method.IsStatic,
            Json: tool.ToJson(),
            Parameters: parameters.ToEquatableArray(),
            Return: result,
            Progress: parameters.Any(p => p.Source is ParameterSource.Progress or ParameterSource.RequestContext),
            Logging: parameters.Any(p => p.Source is ParameterSource.RequestContext),
            Headers: headers.ToEquatableArray());
    }

    /// <summary>A value taken from dependency injection (constructor or service parameter).</summary>
    public static ServiceSpec Service(IParameterSymbol parameter)
    {
        bool optional = TypeFacts.IsNullableAnnotated(parameter.Type) || parameter.HasExplicitDefaultValue;
        string? key = null;
        if (TypeFacts.GetAttribute(parameter, "Microsoft.Extensions.DependencyInjection.FromKeyedServicesAttribute") is { ConstructorArguments.Length: 1 } keyed)
        {
            key = keyed.ConstructorArguments[0].IsNull ? "null" : keyed.ConstructorArguments[0].ToCSharpString();
        }

        bool nullForgiving = optional && parameter.Type.IsReferenceType && !TypeFacts.IsNullableAnnotated(parameter.Type);
        return new ServiceSpec(TypeFacts.ValueName(parameter.Type), optional, key, nullForgiving);
    }

    private static ParameterSpec? Parameter(IParameterSymbol parameter, XElement? docs, SchemaBuilder builder, JsonObject properties, JsonArray required, List<HeaderSpec> headers)
    {
        ITypeSymbol type = parameter.Type;
        if (parameter.RefKind != RefKind.None || type is IPointerTypeSymbol or IFunctionPointerTypeSymbol or IErrorTypeSymbol
            || type.IsRefLikeType || type.TypeKind == TypeKind.TypeParameter)
        {
            return null;
        }

        ParameterSource source = SpecialSource(parameter);
        if (source != ParameterSource.Json)
        {
            return Special(parameter, source);
        }

        bool nullable = TypeFacts.IsNullableAnnotated(type);
        string? header = Header(parameter, headers);
        JsonObject? schema = header is null ? builder.Build(type, nullable) : builder.Build(TypeFacts.UnwrapNullable(type) ?? type, nullable: false);
        if (schema is null)
        {
            // No JSON mapping: interfaces and abstract classes (ILogger<T>, IForecasts) come from DI; anything else is unsupported.
            // Collection interfaces are JSON even when their element type is not supported: never services.
            bool isCollection = TypeFacts.TryGetCollection(type, out _, out _) || TypeFacts.TryGetDictionary(type, out _, out _);
            return !isCollection && (type.TypeKind == TypeKind.Interface || (type.TypeKind == TypeKind.Class && type.IsAbstract))
                ? Special(parameter, ParameterSource.Service)
                : null;
        }

        ArgumentKind kind = TypeFacts.PrimitiveKind(type);
        if (kind == ArgumentKind.None)
        {
            kind = ArgumentKind.Json;
        }

        schema = schema.Clone();
        string? description = Description(parameter) ?? DocComments.Param(docs, parameter.Name);
        var property = new JsonObject();
        if (description is not null)
        {
            property.Add("description", description);
        }

        foreach (KeyValuePair<string, JsonNode> entry in schema.Properties)
        {
            property.Add(entry.Key, entry.Value);
        }

        string? defaultLiteral = null;
        if (parameter.HasExplicitDefaultValue)
        {
            defaultLiteral = Literals.CSharp(parameter.ExplicitDefaultValue, type);
            if (Literals.Json(parameter.ExplicitDefaultValue, type) is { } defaultJson && !(header is not null && parameter.ExplicitDefaultValue is null))
            {
                property.Add("default", defaultJson);
            }
        }

        if (SchemaKeywords.Read(parameter, isToolRoot: false, out _) is { } keywords)
        {
            property = SchemaKeywords.Merge(property, keywords);
        }

        if (header is not null)
        {
            // A mirrored value is a plain string, integer or boolean: clients refuse x-mcp-header on a "type" array, so a
            // nullable parameter keeps its single type (null stays accepted, and sends no header).
            property.Add("x-mcp-header", header);
            headers.Add(new HeaderSpec(header, parameter.Name));
        }

        bool isRequired = !nullable && !parameter.HasExplicitDefaultValue;
        properties.Add(parameter.Name, property);
        if (isRequired)
        {
            required.Add(JsonValue.String(parameter.Name));
        }

        ITypeSymbol valueType = TypeFacts.NonNullable(type);
        return new ParameterSpec(
            Name: parameter.Name,
            Source: ParameterSource.Json,
            TypeName: TypeFacts.Name(type),
            ValueTypeName: TypeFacts.Name(valueType),
            Kind: kind,
            IsNullableValueType: TypeFacts.UnwrapNullable(type) is not null,
            AllowsNull: nullable,
            IsRequired: isRequired,
            DefaultLiteral: defaultLiteral,
            Expected: Expected(kind, valueType, schema),
            EnumMembers: kind == ArgumentKind.Enum ? EnumMembers((INamedTypeSymbol)valueType) : default,
            Service: null);
    }

    /// <summary>
    /// The valid <c>[McpHeader]</c> name of a JSON parameter: an HTTP token, on a string, integer or boolean parameter,
    /// not already used by another parameter (case-insensitively). Invalid ones are left out (MCPG0033 reports them).
    /// </summary>
    private static string? Header(IParameterSymbol parameter, List<HeaderSpec> taken)
    {
        if (Decorations.HeaderOf(parameter) is not { } attribute)
        {
            return null;
        }

        string name = Decorations.HeaderName(attribute);
        return Decorations.HeaderNameError(name) is null && Decorations.IsHeaderType(parameter.Type)
            && !taken.Any(h => string.Equals(h.Name, name, System.StringComparison.OrdinalIgnoreCase))
                ? name
                : null;
    }

    /// <summary>A parameter bound from something other than the JSON arguments.</summary>
    public static ParameterSpec Special(IParameterSymbol parameter, ParameterSource source)
        => new(
            Name: parameter.Name,
            Source: source,
            TypeName: TypeFacts.Name(parameter.Type),
            ValueTypeName: TypeFacts.ValueName(parameter.Type),
            Kind: ArgumentKind.None,
            IsNullableValueType: false,
            AllowsNull: false,
            IsRequired: false,
            DefaultLiteral: null,
            Expected: string.Empty,
            EnumMembers: default,
            Service: source == ParameterSource.Service ? Service(parameter) : null);

    /// <summary>The special source of a parameter (a service, the token, the request...), or <see cref="ParameterSource.Json"/>.</summary>
    public static ParameterSource SpecialSource(IParameterSymbol parameter)
    {
        if (TypeFacts.HasAttribute(parameter, "Microsoft.Extensions.DependencyInjection.FromKeyedServicesAttribute")
            || TypeFacts.HasAttribute(parameter, "Microsoft.AspNetCore.Mvc.FromServicesAttribute"))
        {
            return ParameterSource.Service;
        }

        ITypeSymbol type = parameter.Type;
        switch (TypeFacts.MetadataName(type))
        {
            case "System.Threading.CancellationToken": return ParameterSource.CancellationToken;
            case "Microsoft.AspNetCore.Http.HttpContext": return ParameterSource.HttpContext;
            case "System.Security.Claims.ClaimsPrincipal": return ParameterSource.User;
            case "System.IServiceProvider": return ParameterSource.Services;
            case "McpGen.McpRequestContext": return ParameterSource.RequestContext;
            case "System.IProgress`1" when type is INamedTypeSymbol progress && TypeFacts.Is(progress.TypeArguments[0], "McpGen.McpProgress"):
                return ParameterSource.Progress;
            default: return ParameterSource.Json;
        }
    }

    /// <summary>
    /// Whether a method's shape is one the generator can call: an ordinary, non-generic method that does not return by
    /// reference and is not <c>async void</c>. (Abstract methods only come from <see cref="McpMembers.Of"/> for a
    /// concrete server, which overrides them: the call dispatches to the override.)
    /// </summary>
    public static bool IsCallable(IMethodSymbol method)
        => method.MethodKind == MethodKind.Ordinary && !method.IsGenericMethod && !(method.IsAsync && method.ReturnsVoid)
            && !method.ReturnsByRef && !method.ReturnsByRefReadonly;

    /// <summary>Whether a parameter can be passed at all (no <c>ref</c>/<c>out</c>/<c>in</c>, pointers, ref structs, type parameters).</summary>
    public static bool IsPassable(IParameterSymbol parameter)
        => parameter.RefKind == RefKind.None && parameter.Type is not (IPointerTypeSymbol or IFunctionPointerTypeSymbol or IErrorTypeSymbol)
            && !parameter.Type.IsRefLikeType && parameter.Type.TypeKind != TypeKind.TypeParameter;

    /// <summary>Whether an unrecognised parameter type is a DI service (an interface or abstract class that is not a collection).</summary>
    public static bool IsServiceType(ITypeSymbol type)
        => !TypeFacts.TryGetCollection(type, out _, out _) && !TypeFacts.TryGetDictionary(type, out _, out _)
            && (type.TypeKind == TypeKind.Interface || (type.TypeKind == TypeKind.Class && type.IsAbstract));

    /// <summary>
    /// Splits <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c> into the await kind and <c>T</c>; the result type is
    /// <see langword="null"/> for a non-generic task.
    /// </summary>
    public static ITypeSymbol? UnwrapTask(ITypeSymbol returnType, out AwaitKind await)
    {
        await = AwaitKind.None;
        switch (TypeFacts.MetadataName(returnType))
        {
            case "System.Threading.Tasks.Task":
                await = AwaitKind.Task;
                return null;
            case "System.Threading.Tasks.ValueTask":
                await = AwaitKind.ValueTask;
                return null;
            case "System.Threading.Tasks.Task`1":
                await = AwaitKind.Task;
                return ((INamedTypeSymbol)returnType).TypeArguments[0];
            case "System.Threading.Tasks.ValueTask`1":
                await = AwaitKind.ValueTask;
                return ((INamedTypeSymbol)returnType).TypeArguments[0];
            default:
                return returnType;
        }
    }

    private static ReturnSpec? Return(ITypeSymbol returnType)
    {
        ITypeSymbol? type = UnwrapTask(returnType, out AwaitKind await);
        if (type is null || type.SpecialType == SpecialType.System_Void)
        {
            return new ReturnSpec(ReturnKind.Void, await, string.Empty, string.Empty, ArgumentKind.None, false, false);
        }

        if (type is IPointerTypeSymbol or IFunctionPointerTypeSymbol or IErrorTypeSymbol || type.IsRefLikeType || type.TypeKind == TypeKind.TypeParameter)
        {
            return null;
        }

        string typeName = TypeFacts.Name(type);
        string valueName = TypeFacts.ValueName(type);
        ArgumentKind primitive = TypeFacts.PrimitiveKind(type);
        bool nullableValue = TypeFacts.UnwrapNullable(type) is not null;
        ReturnKind kind;
        bool wrapped = false;
        if (primitive == ArgumentKind.String)
        {
            kind = ReturnKind.Text;
        }
        else if (primitive != ArgumentKind.None)
        {
            kind = ReturnKind.Primitive;
        }
        else if (TypeFacts.DerivesFrom(type, ContentBlockType))
        {
            kind = ReturnKind.Content;
        }
        else if (IsContentList(type))
        {
            kind = ReturnKind.ContentList;
        }
        else if (TypeFacts.Is(type, "McpGen.CallToolResult"))
        {
            kind = ReturnKind.Result;
        }
        else
        {
            kind = ReturnKind.Structured;
            wrapped = !IsObjectShaped(TypeFacts.NonNullable(type));
        }

        return new ReturnSpec(kind, await, typeName, valueName, primitive, nullableValue, wrapped);
    }

    private static bool IsContentList(ITypeSymbol type) => IsEnumerableOf(type, ContentBlockType);

    /// <summary>Whether the type is an array or <c>IEnumerable&lt;T&gt;</c> of a type deriving from <paramref name="elementMetadataName"/>.</summary>
    public static bool IsEnumerableOf(ITypeSymbol type, string elementMetadataName)
    {
        if (type is IArrayTypeSymbol array)
        {
            return TypeFacts.DerivesFrom(array.ElementType, elementMetadataName);
        }

        IEnumerable<INamedTypeSymbol> candidates = type is INamedTypeSymbol named
            ? type.AllInterfaces.Concat(new[] { named })
            : type.AllInterfaces;
        return candidates.Any(i => TypeFacts.Is(i, "System.Collections.Generic.IEnumerable`1") && TypeFacts.DerivesFrom(i.TypeArguments[0], elementMetadataName));
    }

    private static bool IsObjectShaped(ITypeSymbol type)
        => !TypeFacts.TryGetCollection(type, out _, out _)
            && !(type is IArrayTypeSymbol)
            && (TypeFacts.TryGetDictionary(type, out _, out _) || (type.TypeKind is TypeKind.Class or TypeKind.Struct && type.SpecialType == SpecialType.None
                && !TypeFacts.Is(type, "System.Text.Json.JsonElement") && !TypeFacts.Is(type, "System.Text.Json.Nodes.JsonNode")
                && !TypeFacts.Is(type, "System.Text.Json.Nodes.JsonArray")));

    private static JsonObject? OutputSchema(ITypeSymbol returnType, ReturnSpec result, Compilation compilation, CancellationToken cancellationToken)
    {
        if (result.Kind != ReturnKind.Structured)
        {
            return null;
        }

        ITypeSymbol type = returnType is INamedTypeSymbol { IsGenericType: true } task && result.Await != AwaitKind.None ? task.TypeArguments[0] : returnType;
        var builder = new SchemaBuilder(compilation, cancellationToken, output: true);
        JsonObject? schema = builder.Build(type, nullable: false);
        if (schema is null)
        {
            return null;
        }

        if (result.Wrapped)
        {
            schema = new JsonObject()
                .Add("type", "object")
                .Add("properties", new JsonObject().Add("result", schema))
                .Add("required", new JsonArray().Add(JsonValue.String("result")));
        }

        return builder.Complete(schema);
    }

    /// <summary>
    /// The input schema: an object of the parameters that accepts no other member (the binder would ignore it), with
    /// the method's <c>[McpSchema]</c> keywords and the <c>$defs</c> of shared and recursive types.
    /// </summary>
    private static JsonObject InputSchema(JsonObject properties, JsonArray required, SchemaBuilder builder, IMethodSymbol method)
    {
        var schema = new JsonObject().Add("type", "object");
        if (properties.Count > 0)
        {
            schema.Add("properties", properties);
        }

        if (required.Items.Count > 0)
        {
            schema.Add("required", required);
        }

        schema.Add("additionalProperties", false);
        if (SchemaKeywords.Read(method, isToolRoot: true, out _) is { } keywords)
        {
            schema = SchemaKeywords.Merge(schema, keywords);
        }

        return builder.Complete(schema);
    }

    private static JsonObject? Annotations(AttributeData attribute)
    {
        var annotations = new JsonObject();
        foreach ((string property, string hint) in new[] { ("ReadOnly", "readOnlyHint"), ("Destructive", "destructiveHint"), ("Idempotent", "idempotentHint"), ("OpenWorld", "openWorldHint") })
        {
            if (NamedArgument(attribute, property)?.Value is bool value)
            {
                annotations.Add(hint, value);
            }
        }

        return annotations.Count > 0 ? annotations : null;
    }

    private static TypedConstant? NamedArgument(AttributeData attribute, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>The text of <c>[Description]</c>, if any.</summary>
    public static string? Description(ISymbol symbol)
        => TypeFacts.GetAttribute(symbol, DescriptionAttribute) is { ConstructorArguments.Length: 1 } attribute
            && attribute.ConstructorArguments[0].Value is string text
                ? text
                : null;

    private static EquatableArray<EnumMemberSpec> EnumMembers(INamedTypeSymbol type)
        => type.GetMembers().OfType<IFieldSymbol>()
            .Where(f => f.HasConstantValue)
            .Select(f => new EnumMemberSpec(TypeFacts.EnumMemberJsonName(f), TypeFacts.Name(type) + "." + Literals.Identifier(f.Name)))
            .ToEquatableArray();

    private static string Expected(ArgumentKind kind, ITypeSymbol type, JsonObject schema)
    {
        switch (kind)
        {
            case ArgumentKind.String: return "string";
            case ArgumentKind.Char: return "string of exactly one character";
            case ArgumentKind.Boolean: return "boolean";
            case ArgumentKind.Byte: return "integer from 0 to 255";
            case ArgumentKind.SByte: return "integer from -128 to 127";
            case ArgumentKind.Int16: return "integer from -32768 to 32767";
            case ArgumentKind.UInt16: return "integer from 0 to 65535";
            case ArgumentKind.UInt32: return "integer from 0 to 4294967295";
            case ArgumentKind.UInt64: return "non-negative integer (64-bit)";
            case ArgumentKind.Int32: return "integer (32-bit)";
            case ArgumentKind.Int64: return "integer (64-bit)";
            case ArgumentKind.Single:
            case ArgumentKind.Double:
            case ArgumentKind.Decimal: return "number";
            case ArgumentKind.Guid: return "string in UUID format";
            case ArgumentKind.DateTime: return WireFormats.ExpectedDateTime;
            case ArgumentKind.DateTimeOffset: return WireFormats.ExpectedDateTimeOffset;
            case ArgumentKind.DateOnly: return WireFormats.ExpectedDateOnly;
            case ArgumentKind.TimeOnly: return WireFormats.ExpectedTimeOnly;
            case ArgumentKind.TimeSpan: return WireFormats.ExpectedTimeSpan;
            case ArgumentKind.Uri: return "string holding an absolute URI";
            case ArgumentKind.Enum: return "one of: " + string.Join(", ", ((INamedTypeSymbol)type).GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(TypeFacts.EnumMemberJsonName));
        }

        if (SchemaBuilder.IsReference(schema))
        {
            return "object";
        }

        return (schema["type"] as JsonValue)?.ToJson() switch
        {
            "\"array\"" => "array",
            "\"object\"" => "object",
            "\"string\"" => "string",
            _ => "JSON value",
        };
    }
}
