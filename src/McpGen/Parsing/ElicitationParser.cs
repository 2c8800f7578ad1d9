using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Xml.Linq;
using McpGen.Generator.Model;
using McpGen.Generator.Schema;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace McpGen.Generator.Parsing;

/// <summary>
/// Turns an <c>[McpElicitationForm]</c> type into an <see cref="ElicitationFormSpec"/>: the fields, the
/// <c>requestedSchema</c> (the restricted, flat JSON Schema of elicitation) and how to construct the type. Invalid forms
/// give <see langword="null"/>; McpGen.Analyzers links this file and reports the same problems (MCPG0020, MCPG0021).
/// </summary>
internal static class ElicitationParser
{
    public const string FormAttribute = "McpGen.McpElicitationFormAttribute";
    private const string LegacyEnumNamesAttribute = "McpGen.McpLegacyEnumNamesAttribute";
    private const string DescriptionAttribute = "System.ComponentModel.DescriptionAttribute";
    private const string DisplayNameAttribute = "System.ComponentModel.DisplayNameAttribute";
    private const string DefaultValueAttribute = "System.ComponentModel.DefaultValueAttribute";
    private const string JsonPropertyNameAttribute = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
    private const string JsonIgnoreAttribute = "System.Text.Json.Serialization.JsonIgnoreAttribute";
    private const string JsonEnumMemberNameAttribute = "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute";
    private const string DataAnnotations = "System.ComponentModel.DataAnnotations.";

    public static ElicitationFormSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || DeclarationProblem(type, cancellationToken) is not null)
        {
            return null;
        }

        FormShape shape = Analyze(type, context.SemanticModel.Compilation, cancellationToken);
        if (shape.ConstructorProblem is not null || shape.FieldProblems.Count > 0)
        {
            return null;
        }

        var containing = new List<TypeDeclarationSpec>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, Declaration(outer));
        }

        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
        string hintPrefix = string.Join(".", containing.Select(t => t.Name.TrimStart('@')).Concat(new[] { type.Name }));
        return new ElicitationFormSpec(
            HintName: (ns.Length > 0 ? ns + "." : string.Empty) + hintPrefix + ".McpElicitationForm.g.cs",
            Namespace: ns,
            ContainingTypes: containing.ToEquatableArray(),
            Declaration: Declaration(type),
            TypeName: TypeFacts.Name(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)),
            SchemaJson: shape.Schema.ToJson(),
            Fields: shape.Fields.Select(f => f.Spec).ToEquatableArray(),
            ConstructorFields: shape.ConstructorFields.ToEquatableArray());
    }

    /// <summary>Why the type cannot be a form (MCPG0020), or <see langword="null"/>.</summary>
    public static string? DeclarationProblem(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.TypeKind != TypeKind.Class)
        {
            return "is a struct; declare it as a partial class or record";
        }

        if (type.IsStatic || type.IsAbstract)
        {
            return type.IsStatic ? "is static" : "is abstract";
        }

        if (type.IsGenericType)
        {
            return "is generic";
        }

        if (!IsPartial(type, cancellationToken))
        {
            return "is not partial";
        }

        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsGenericType || !IsPartial(outer, cancellationToken))
            {
                return $"is nested in '{outer.Name}', which is {(outer.IsGenericType ? "generic" : "not partial")}";
            }
        }

        return null;
    }

    /// <summary>The fields of a form, how it is constructed, its schema, and what prevents generating it.</summary>
    public static FormShape Analyze(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        var shape = new FormShape();
        List<IPropertySymbol> properties = Candidates(type);
        IMethodSymbol? constructor = ChooseConstructor(type, properties, out Dictionary<IParameterSymbol, IPropertySymbol> bound);
        if (constructor is null)
        {
            shape.ConstructorProblem = "has no parameterless constructor and no constructor whose parameters all set its properties (like a record's primary constructor)";
            return shape;
        }

        XElement? typeDocs = DocComments.Read(type, cancellationToken);
        var schemaProperties = new JsonObject();
        var required = new JsonArray();
        foreach (IPropertySymbol property in properties)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IParameterSymbol? parameter = bound.FirstOrDefault(b => SymbolEqualityComparer.Default.Equals(b.Value, property)).Key;
            if (parameter is null && property.SetMethod is null)
            {
                continue; // read-only and not set by the constructor: not a field
            }

            if (Field(property, parameter, typeDocs, compilation, cancellationToken, out string? problem) is not { } field)
            {
                shape.FieldProblems.Add(new KeyValuePair<ISymbol, string>((ISymbol?)parameter ?? property, problem!));
                continue;
            }

            shape.Fields.Add(field);
            schemaProperties.Add(field.Spec.JsonName, field.Schema);
            if (field.Spec.Required)
            {
                required.Add(JsonValue.String(field.Spec.JsonName));
            }
        }

        foreach (IParameterSymbol parameter in constructor.Parameters)
        {
            IPropertySymbol property = bound[parameter];
            shape.ConstructorFields.Add(shape.Fields.FindIndex(f => f.Spec.MemberName == Literals.Identifier(property.Name)));
        }

        var duplicates = shape.Fields.GroupBy(f => f.Spec.JsonName, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        foreach (string duplicate in duplicates)
        {
            shape.FieldProblems.Add(new KeyValuePair<ISymbol, string>(
                shape.Fields.Last(f => f.Spec.JsonName == duplicate).Symbol,
                $"uses the JSON name '{duplicate}' of another field; give it another [JsonPropertyName]"));
        }

        shape.Schema = new JsonObject().Add("type", "object").Add("properties", schemaProperties);
        if (required.Items.Count > 0)
        {
            shape.Schema.Add("required", required);
        }

        return shape;
    }

    /// <summary>Public instance properties with a getter, base classes first, in declaration order.</summary>
    private static List<IPropertySymbol> Candidates(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            chain.Insert(0, current);
        }

        var result = new List<IPropertySymbol>();
        foreach (INamedTypeSymbol current in chain)
        {
            foreach (IPropertySymbol property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.GetMethod is null || property.DeclaredAccessibility != Accessibility.Public
                    || property.IsOverride || TypeFacts.HasAttribute(property, JsonIgnoreAttribute))
                {
                    continue;
                }

                result.Add(property);
            }
        }

        return result;
    }

    /// <summary>
    /// The parameterless constructor, else the constructor with the most parameters that each set a property of the same
    /// name (a record's primary constructor); copy constructors do not count.
    /// </summary>
    private static IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, List<IPropertySymbol> properties, out Dictionary<IParameterSymbol, IPropertySymbol> bound)
    {
        bound = new Dictionary<IParameterSymbol, IPropertySymbol>(SymbolEqualityComparer.Default);
        IMethodSymbol[] constructors = type.InstanceConstructors
            .Where(c => !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type.OriginalDefinition, type)))
            .ToArray();
        if (constructors.FirstOrDefault(c => c.Parameters.Length == 0) is { } parameterless)
        {
            return parameterless;
        }

        foreach (IMethodSymbol constructor in constructors.OrderByDescending(c => c.Parameters.Length))
        {
            var map = new Dictionary<IParameterSymbol, IPropertySymbol>(SymbolEqualityComparer.Default);
            foreach (IParameterSymbol parameter in constructor.Parameters)
            {
                IPropertySymbol? property = properties.FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)
                    && SymbolEqualityComparer.Default.Equals(TypeFacts.NonNullable(p.Type), TypeFacts.NonNullable(parameter.Type)));
                if (property is null || parameter.RefKind != RefKind.None || map.ContainsValue(property))
                {
                    break;
                }

                map[parameter] = property;
            }

            if (map.Count == constructor.Parameters.Length)
            {
                bound = map;
                return constructor;
            }
        }

        return null;
    }

    private static FormField? Field(IPropertySymbol property, IParameterSymbol? parameter, XElement? typeDocs, Compilation compilation,
        CancellationToken cancellationToken, out string? problem)
    {
        problem = null;
        ITypeSymbol type = property.Type;
        bool nullable = TypeFacts.IsNullableAnnotated(type) || (parameter is not null && TypeFacts.IsNullableAnnotated(parameter.Type));
        ITypeSymbol value = TypeFacts.NonNullable(type);
        FormFieldKind? kind = KindOf(value, out ITypeSymbol? element, out FormCollectionKind collection);
        if (kind is null)
        {
            problem = $"has type '{type.ToDisplayString()}', which an elicitation form cannot hold: use string, a number, bool, an enum, "
                + "or an array or list of an enum (forms are flat: no nested objects)";
            return null;
        }

        ISymbol[] sources = parameter is null ? new ISymbol[] { property } : new ISymbol[] { property, parameter };
        INamedTypeSymbol? enumType = (kind == FormFieldKind.EnumArray ? element : value) as INamedTypeSymbol;
        EquatableArray<EnumMemberSpec> members = default;
        var enumTitles = new List<string?>();
        if (kind is FormFieldKind.Enum or FormFieldKind.EnumArray)
        {
            IFieldSymbol[] fields = enumType!.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).ToArray();
            if (fields.Length == 0)
            {
                problem = $"is the enum '{enumType.Name}', which has no members to choose from";
                return null;
            }

            members = fields.Select(f => new EnumMemberSpec(EnumJsonName(f), TypeFacts.Name(enumType) + "." + Literals.Identifier(f.Name))).ToEquatableArray();
            enumTitles.AddRange(fields.Select(f => ToolParser.Description(f)));
        }

        string jsonName = sources.Select(s => TypeFacts.GetAttribute(s, JsonPropertyNameAttribute)).FirstOrDefault(a => a is not null) is { ConstructorArguments.Length: 1 } named
            && named.ConstructorArguments[0].Value is string explicitName
                ? explicitName
                : Names.ToCamelCase(property.Name);

        // The default when absent: [DefaultValue], a constructor parameter default, or a property initializer.
        string? defaultLiteral = null;
        JsonNode? defaultJson = null;
        bool keepsInitializer = false;
        object? constant = null;
        bool hasConstant = false;
        if (sources.Select(s => TypeFacts.GetAttribute(s, DefaultValueAttribute)).FirstOrDefault(a => a is not null) is { ConstructorArguments.Length: 1 } defaultAttribute)
        {
            constant = defaultAttribute.ConstructorArguments[0].Value;
            hasConstant = true;
        }
        else if (parameter is not null && parameter.HasExplicitDefaultValue)
        {
            constant = parameter.ExplicitDefaultValue;
            hasConstant = true;
        }
        else if (parameter is null && Initializer(property, cancellationToken) is { } initializer)
        {
            Optional<object?> folded = compilation.GetSemanticModel(initializer.SyntaxTree).GetConstantValue(initializer, cancellationToken);
            if (folded.HasValue)
            {
                constant = folded.Value;
                hasConstant = true;
            }
            else
            {
                keepsInitializer = true;
            }
        }

        if (hasConstant && constant is not null && !DefaultFits(kind.Value, constant))
        {
            problem = $"has the default value {constant} ({constant.GetType().Name}), which does not fit its type '{type.ToDisplayString()}'";
            return null;
        }

        if (hasConstant)
        {
            defaultLiteral = Literals.CSharp(constant, type);
            defaultJson = constant is null || kind == FormFieldKind.EnumArray ? null
                : kind == FormFieldKind.Enum
                    ? members.FirstOrDefault(m => m.Member == Literals.CSharp(constant, value)) is { JsonName: { } enumName } ? JsonValue.String(enumName) : null
                    : Literals.Json(constant, type);
        }

        bool required = property.IsRequired || (!nullable && defaultLiteral is null && !keepsInitializer);
        var schema = new JsonObject();
        string? format = null;
        switch (kind)
        {
            case FormFieldKind.String:
                schema.Add("type", "string");
                format = sources.Any(s => TypeFacts.HasAttribute(s, DataAnnotations + "EmailAddressAttribute")) ? "email"
                    : sources.Any(s => TypeFacts.HasAttribute(s, DataAnnotations + "UrlAttribute")) ? "uri"
                    : null;
                break;
            case FormFieldKind.Uri:
                schema.Add("type", "string");
                format = "uri";
                break;
            case FormFieldKind.DateTime:
            case FormFieldKind.DateTimeOffset:
                schema.Add("type", "string");
                format = "date-time";
                break;
            case FormFieldKind.DateOnly:
                schema.Add("type", "string");
                format = "date";
                break;
            case FormFieldKind.Integer:
                schema.Add("type", "integer");
                break;
            case FormFieldKind.Double:
            case FormFieldKind.Single:
            case FormFieldKind.Decimal:
                schema.Add("type", "number");
                break;
            case FormFieldKind.Boolean:
                schema.Add("type", "boolean");
                break;
            default:
                schema.Add("type", kind == FormFieldKind.Enum ? "string" : "array");
                break;
        }

        if (sources.Select(s => TypeFacts.GetAttribute(s, DisplayNameAttribute)).FirstOrDefault(a => a is not null) is { ConstructorArguments.Length: 1 } display
            && display.ConstructorArguments[0].Value is string title)
        {
            schema.Add("title", title);
        }

        string? description = sources.Select(ToolParser.Description).FirstOrDefault(d => d is not null)
            ?? DocComments.Summary(DocComments.Read(property, cancellationToken))
            ?? (parameter is not null ? DocComments.Param(typeDocs, parameter.Name) : null);
        if (description is not null)
        {
            schema.Add("description", description);
        }

        if (format is not null)
        {
            schema.Add("format", format);
        }

        (int? minLength, int? maxLength) = Lengths(sources);
        (string? minimum, string? maximum, JsonNode? minimumJson, JsonNode? maximumJson) = Range(sources);
        if (kind is FormFieldKind.String or FormFieldKind.Uri)
        {
            AddIfSet(schema, "minLength", minLength);
            AddIfSet(schema, "maxLength", maxLength);
        }
        else if (kind is FormFieldKind.Integer or FormFieldKind.Double or FormFieldKind.Single or FormFieldKind.Decimal)
        {
            if (minimumJson is not null)
            {
                schema.Add("minimum", minimumJson);
            }

            if (maximumJson is not null)
            {
                schema.Add("maximum", maximumJson);
            }
        }
        else if (kind is FormFieldKind.Enum)
        {
            AddEnum(schema, members, enumTitles, legacy: sources.Any(s => TypeFacts.HasAttribute(s, LegacyEnumNamesAttribute)));
        }
        else if (kind is FormFieldKind.EnumArray)
        {
            var items = new JsonObject();
            if (enumTitles.Any(t => t is not null))
            {
                items.Add("anyOf", Options(members, enumTitles));
            }
            else
            {
                items.Add("type", "string").Add("enum", Values(members));
            }

            schema.Add("items", items);
            AddIfSet(schema, "minItems", minLength);
            AddIfSet(schema, "maxItems", maxLength);
        }

        if (defaultJson is not null && !required)
        {
            schema.Add("default", defaultJson);
        }

        bool measured = kind is FormFieldKind.String or FormFieldKind.Uri or FormFieldKind.EnumArray;
        bool ranged = kind is FormFieldKind.Integer or FormFieldKind.Double or FormFieldKind.Single or FormFieldKind.Decimal;
        var spec = new FormFieldSpec(
            MemberName: Literals.Identifier(property.Name),
            JsonName: jsonName,
            Kind: kind.Value,
            TypeName: TypeFacts.Name(type),
            ValueTypeName: TypeFacts.Name(kind == FormFieldKind.EnumArray ? element! : value),
            Nullable: nullable,
            Required: required,
            DefaultLiteral: required ? null : defaultLiteral,
            KeepsInitializer: !required && keepsInitializer,
            InConstructor: parameter is not null,
            Collection: collection,
            MinLength: measured ? minLength : null,
            MaxLength: measured ? maxLength : null,
            Minimum: ranged ? minimum : null,
            Maximum: ranged ? maximum : null,
            EnumMembers: members);
        return new FormField(spec, schema, (ISymbol?)parameter ?? property);
    }

    /// <summary>The field kind of a (non-nullable) type, or <see langword="null"/> when a form cannot hold it.</summary>
    private static FormFieldKind? KindOf(ITypeSymbol type, out ITypeSymbol? element, out FormCollectionKind collection)
    {
        element = null;
        collection = FormCollectionKind.None;
        if (type.TypeKind == TypeKind.Enum)
        {
            return FormFieldKind.Enum;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_String: return FormFieldKind.String;
            case SpecialType.System_Boolean: return FormFieldKind.Boolean;
            case SpecialType.System_Byte:
            case SpecialType.System_SByte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64: return FormFieldKind.Integer;
            case SpecialType.System_Double: return FormFieldKind.Double;
            case SpecialType.System_Single: return FormFieldKind.Single;
            case SpecialType.System_Decimal: return FormFieldKind.Decimal;
            case SpecialType.System_DateTime: return FormFieldKind.DateTime;
        }

        switch (TypeFacts.MetadataName(type))
        {
            case "System.Uri": return FormFieldKind.Uri;
            case "System.DateTimeOffset": return FormFieldKind.DateTimeOffset;
            case "System.DateOnly": return FormFieldKind.DateOnly;
        }

        if (TypeFacts.TryGetCollection(type, out ITypeSymbol item, out _) && item.TypeKind == TypeKind.Enum && TypeFacts.UnwrapNullable(item) is null)
        {
            collection = type is IArrayTypeSymbol ? FormCollectionKind.Array : TypeFacts.MetadataName(type) switch
            {
                "System.Collections.Generic.List`1" or "System.Collections.Generic.IList`1" or "System.Collections.Generic.IReadOnlyList`1"
                    or "System.Collections.Generic.IEnumerable`1" or "System.Collections.Generic.ICollection`1"
                    or "System.Collections.Generic.IReadOnlyCollection`1" => FormCollectionKind.List,
                "System.Collections.Generic.HashSet`1" or "System.Collections.Generic.ISet`1" or "System.Collections.Generic.IReadOnlySet`1" => FormCollectionKind.HashSet,
                _ => FormCollectionKind.None,
            };
            if (collection != FormCollectionKind.None)
            {
                element = item;
                return FormFieldKind.EnumArray;
            }
        }

        return null;
    }

    /// <summary>Whether a constant default can be assigned to a field of <paramref name="kind"/>.</summary>
    private static bool DefaultFits(FormFieldKind kind, object constant) => kind switch
    {
        FormFieldKind.String => constant is string,
        FormFieldKind.Boolean => constant is bool,
        FormFieldKind.Integer => constant is byte or sbyte or short or ushort or int or uint or long,
        FormFieldKind.Double or FormFieldKind.Single or FormFieldKind.Decimal => constant is byte or sbyte or short or ushort or int or uint or long or float or double or decimal,
        FormFieldKind.Enum => constant is byte or sbyte or short or ushort or int or uint or long or ulong,
        _ => false,
    };

    private static void AddEnum(JsonObject schema, EquatableArray<EnumMemberSpec> members, List<string?> titles, bool legacy)
    {
        if (legacy)
        {
            schema.Add("enum", Values(members));
            var names = new JsonArray();
            for (int i = 0; i < members.Count; i++)
            {
                names.Add(JsonValue.String(titles[i] ?? members[i].JsonName));
            }

            schema.Add("enumNames", names);
        }
        else if (titles.Any(t => t is not null))
        {
            schema.Add("oneOf", Options(members, titles));
        }
        else
        {
            schema.Add("enum", Values(members));
        }
    }

    private static JsonArray Values(EquatableArray<EnumMemberSpec> members)
    {
        var values = new JsonArray();
        foreach (EnumMemberSpec member in members)
        {
            values.Add(JsonValue.String(member.JsonName));
        }

        return values;
    }

    private static JsonArray Options(EquatableArray<EnumMemberSpec> members, List<string?> titles)
    {
        var options = new JsonArray();
        for (int i = 0; i < members.Count; i++)
        {
            options.Add(new JsonObject().Add("const", members[i].JsonName).Add("title", titles[i] ?? members[i].JsonName));
        }

        return options;
    }

    private static string EnumJsonName(IFieldSymbol member)
        => TypeFacts.GetAttribute(member, JsonEnumMemberNameAttribute) is { ConstructorArguments.Length: 1 } attribute
            && attribute.ConstructorArguments[0].Value is string name
                ? name
                : member.Name;

    /// <summary>Lengths (or item counts) from <c>[MinLength]</c>, <c>[MaxLength]</c> and <c>[StringLength]</c>.</summary>
    private static (int? Min, int? Max) Lengths(ISymbol[] sources)
    {
        int? min = null, max = null;
        foreach (ISymbol source in sources)
        {
            foreach (AttributeData attribute in source.GetAttributes())
            {
                string name = attribute.AttributeClass is null ? string.Empty : TypeFacts.MetadataName(attribute.AttributeClass);
                int? first = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int value && value >= 0 ? value : null;
                switch (name)
                {
                    case DataAnnotations + "MinLengthAttribute":
                        min = first ?? min;
                        break;
                    case DataAnnotations + "MaxLengthAttribute":
                        max = first ?? max;
                        break;
                    case DataAnnotations + "StringLengthAttribute":
                        max = first ?? max;
                        if (attribute.NamedArguments.FirstOrDefault(a => a.Key == "MinimumLength").Value.Value is int minimumLength && minimumLength > 0)
                        {
                            min = minimumLength;
                        }

                        break;
                }
            }
        }

        return (min, max);
    }

    /// <summary>The bounds of <c>[Range]</c> (int or double overloads), as C# literals and JSON numbers.</summary>
    private static (string? Min, string? Max, JsonNode? MinJson, JsonNode? MaxJson) Range(ISymbol[] sources)
    {
        foreach (ISymbol source in sources)
        {
            if (TypeFacts.GetAttribute(source, DataAnnotations + "RangeAttribute") is { ConstructorArguments.Length: 2 } range)
            {
                object? low = range.ConstructorArguments[0].Value, high = range.ConstructorArguments[1].Value;
                if (low is int or double && high is int or double)
                {
                    double lowValue = Convert.ToDouble(low, CultureInfo.InvariantCulture);
                    double highValue = Convert.ToDouble(high, CultureInfo.InvariantCulture);
                    return (
                        Bound(lowValue),
                        Bound(highValue),
                        double.IsInfinity(lowValue) ? null : JsonValue.Number(lowValue.ToString("R", CultureInfo.InvariantCulture)),
                        double.IsInfinity(highValue) ? null : JsonValue.Number(highValue.ToString("R", CultureInfo.InvariantCulture)));
                }
            }
        }

        return (null, null, null, null);

        static string? Bound(double value) => double.IsInfinity(value) || double.IsNaN(value) ? null : value.ToString("R", CultureInfo.InvariantCulture) + "D";
    }

    private static void AddIfSet(JsonObject schema, string name, int? value)
    {
        if (value is { } set)
        {
            schema.Add(name, JsonValue.Number(set.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static ExpressionSyntax? Initializer(IPropertySymbol property, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is PropertyDeclarationSyntax { Initializer: { } initializer })
            {
                return initializer.Value;
            }
        }

        return null;
    }

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
        => type.DeclaringSyntaxReferences.Length > 0
            && type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

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

    /// <summary>A parsed field, with its schema and the symbol diagnostics point at.</summary>
    public sealed class FormField(FormFieldSpec spec, JsonObject schema, ISymbol symbol)
    {
        public FormFieldSpec Spec { get; } = spec;

        public JsonObject Schema { get; } = schema;

        public ISymbol Symbol { get; } = symbol;
    }

    /// <summary>The result of <see cref="Analyze"/> (not a pipeline value: it holds symbols).</summary>
    public sealed class FormShape
    {
        public List<FormField> Fields { get; } = new();

        public List<int> ConstructorFields { get; } = new();

        public List<KeyValuePair<ISymbol, string>> FieldProblems { get; } = new();

        public string? ConstructorProblem { get; set; }

        public JsonObject Schema { get; set; } = new();
    }
}
