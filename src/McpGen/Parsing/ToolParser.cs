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

        var requirements = Requirements(HandlerKindSpec.Tool, name, method, parameters);
        if (result.Kind == ReturnKind.Structured && UnwrapTask(method.ReturnType, out _) is { } resultType)
        {
            requirements.Add(JsonRequirement(HandlerKindSpec.Tool, name, null, resultType));
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
            Headers: headers.ToEquatableArray(),
            Requirements: requirements.ToEquatableArray(),
            TaskSupport: TaskSupport(attribute),
            Rerunnable: NamedArgument(attribute, "Rerunnable")?.Value is true);
    }

    /// <summary>The <c>McpTaskSupport</c> member of <c>[McpTool(Task = ...)]</c>; <see langword="null"/> for Forbidden or unknown values.</summary>
    private static string? TaskSupport(AttributeData attribute) => NamedArgument(attribute, "Task")?.Value switch
    {
        1 => "Optional",
        2 => "Required",
        _ => null,
    };

    /// <summary>C# type names without namespaces or nullable reference annotations (<c>List&lt;string&gt;</c>), for messages.</summary>
    private static readonly SymbolDisplayFormat s_displayFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    /// <summary>
    /// What the parameters of one handler need from the application: a <see cref="RequirementKindSpec.Service"/> (or
    /// keyed) requirement per required service, a <see cref="RequirementKindSpec.Json"/> one per argument read through
    /// <c>JsonTypeInfo</c>. <paramref name="specs"/> are the parsed parameters of <paramref name="method"/>, in order.
    /// </summary>
    public static List<RequirementSpec> Requirements(HandlerKindSpec handler, string handlerName, IMethodSymbol method, IReadOnlyList<ParameterSpec> specs)
    {
        var requirements = new List<RequirementSpec>();
        for (int i = 0; i < specs.Count && i < method.Parameters.Length; i++)
        {
            IParameterSymbol parameter = method.Parameters[i];
            if (specs[i].Source == ParameterSource.Service && ServiceRequirement(handler, handlerName, parameter) is { } service)
            {
                requirements.Add(service);
            }
            else if (specs[i].Source == ParameterSource.Json && specs[i].Kind == ArgumentKind.Json)
            {
                requirements.Add(JsonRequirement(handler, handlerName, parameter.Name, TypeFacts.NonNullable(parameter.Type)));
            }
        }

        return requirements;
    }

    /// <summary>The requirement of a service parameter, or <see langword="null"/> when it is optional (nullable or defaulted).</summary>
    public static RequirementSpec? ServiceRequirement(HandlerKindSpec handler, string handlerName, IParameterSymbol parameter)
    {
        ServiceSpec service = Service(parameter);
        if (service.Optional)
        {
            return null;
        }

        ITypeSymbol type = TypeFacts.NonNullable(parameter.Type);
        return new RequirementSpec(
            handler,
            handlerName,
            parameter.Name,
            type.ToDisplayString(s_displayFormat),
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            service.KeyLiteral is null ? RequirementKindSpec.Service : RequirementKindSpec.KeyedService,
            service.KeyLiteral);
    }

    /// <summary>The requirement of a type read or written through <c>JsonTypeInfo</c> (exactly the type handed to <c>GetTypeInfo</c>).</summary>
    public static RequirementSpec JsonRequirement(HandlerKindSpec handler, string handlerName, string? parameterName, ITypeSymbol type)
        => new(
            handler,
            handlerName,
            parameterName,
            type.ToDisplayString(s_displayFormat),
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            RequirementKindSpec.Json,
            KeyLiteral: null);

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
            return SupportsSpecial(HandlerKindSpec.Tool, source) ? Special(parameter, source) : null;
        }

        bool nullable = TypeFacts.IsNullableAnnotated(type);
        string? header = Header(parameter, headers);
        JsonObject? schema = header is null ? builder.Build(type, nullable) : builder.Build(TypeFacts.UnwrapNullable(type) ?? type, nullable: false);
        if (schema is null)
        {
            // No JSON mapping: interfaces and abstract classes (ILogger<T>, IForecasts) come from DI, unless the convention
            // excludes them (IProgress<int>, Stream: MCPG0050); anything else is unsupported (MCPG0011).
            return IsServiceType(type) ? Special(parameter, ParameterSource.Service) : null;
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
            case "McpGen.McpCompletionContext": return ParameterSource.CompletionContext;
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

    /// <summary>
    /// Whether an unrecognised parameter type is a DI service by convention: an interface or abstract class that is not a
    /// collection (<see cref="IsServiceShaped"/>) and that the convention does not exclude (<see cref="NotAServiceReason"/>).
    /// </summary>
    public static bool IsServiceType(ITypeSymbol type) => IsServiceShaped(type) && NotAServiceReason(type) is null;

    /// <summary>Whether the type is an interface or abstract class that is not a collection or dictionary (the shape of a service).</summary>
    public static bool IsServiceShaped(ITypeSymbol type)
        => !TypeFacts.TryGetCollection(type, out _, out _) && !TypeFacts.TryGetDictionary(type, out _, out _)
            && (type.TypeKind == TypeKind.Interface || (type.TypeKind == TypeKind.Class && type.IsAbstract));

    /// <summary>
    /// Why an interface or abstract class is not a service by convention (MCPG0050), or <see langword="null"/> when it is
    /// one. Excluded: <c>IProgress&lt;T&gt;</c> (progress is <c>IProgress&lt;McpProgress&gt;</c>); <c>Stream</c>,
    /// <c>TextReader</c>, <c>TextWriter</c> and types deriving from them (a handler has no request stream); enumerators and
    /// async streams; and the types of the <c>System</c> namespace itself other than <c>TimeProvider</c> (language and
    /// value types such as <c>Delegate</c>, <c>Type</c>, <c>Array</c>, <c>IDisposable</c>, <c>IComparable&lt;T&gt;</c>).
    /// <c>[FromServices]</c> or <c>[FromKeyedServices]</c> overrides the exclusion.
    /// </summary>
    public static string? NotAServiceReason(ITypeSymbol type)
    {
        string metadataName = TypeFacts.MetadataName(type);
        if (metadataName == "System.IProgress`1")
        {
            return "progress is reported through IProgress<McpProgress> (the only progress type a handler receives); take that instead";
        }

        if (TypeFacts.DerivesFrom(type, "System.IO.Stream") || TypeFacts.DerivesFrom(type, "System.IO.TextReader") || TypeFacts.DerivesFrom(type, "System.IO.TextWriter"))
        {
            return "a handler has no request or response stream; take the content as a string or byte[] argument, or return it";
        }

        switch (metadataName)
        {
            case "System.Collections.IEnumerator":
            case "System.Collections.Generic.IEnumerator`1":
            case "System.Collections.Generic.IAsyncEnumerable`1":
            case "System.Collections.Generic.IAsyncEnumerator`1":
                return "an enumerator or async stream is neither a JSON argument nor a service; take a list or an array";
        }

        if (type.ContainingNamespace is { } ns && ns.ToDisplayString() == "System" && type.ContainingType is null && metadataName != "System.TimeProvider")
        {
            return "the types of the System namespace (other than TimeProvider and IServiceProvider) are values and language features, not services";
        }

        return null;
    }

    /// <summary>
    /// Whether a handler of <paramref name="kind"/> can receive a special parameter from <paramref name="source"/>: tools,
    /// resources and prompts take every special value but <c>McpCompletionContext</c>; completions every one but
    /// <c>IProgress&lt;McpProgress&gt;</c> (their answer is plain JSON, with no stream for progress); the server constructor,
    /// resolved from dependency injection, only <c>IServiceProvider</c> and services. Others are MCPG0051.
    /// </summary>
    public static bool SupportsSpecial(HandlerKindSpec kind, ParameterSource source) => source switch
    {
        ParameterSource.Json or ParameterSource.Service or ParameterSource.Services => true,
        ParameterSource.CompletionContext => kind == HandlerKindSpec.Completion,
        ParameterSource.Progress => kind is HandlerKindSpec.Tool or HandlerKindSpec.Resource or HandlerKindSpec.Prompt,
        _ => kind != HandlerKindSpec.Server,
    };

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
