using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using McpGen.Generator.Model;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace McpGen.Generator.Schema;

/// <summary>
/// Computes JSON Schema (2020-12) for .NET types at compile time, describing the JSON that is actually read and written
/// (docs/schemas.md has the table). Primitive tool parameters are read by <c>McpArgumentReader</c>; everything else
/// (values inside records, classes, collections and dictionaries, and every structured result) goes through
/// System.Text.Json with the ASP.NET Core web defaults (camelCase properties), so the schema says what its default
/// converters write: <c>TimeSpan</c> as <c>[-][d.]hh:mm:ss[.fffffff]</c>, <c>TimeOnly</c> as <c>HH:mm:ss[.fffffff]</c>,
/// <c>DateTime</c> with an optional offset, and enums as numbers unless a string enum converter is visible (on the enum,
/// the property or a <c>JsonSerializerContext</c> of the compilation). One builder serves one schema document:
/// every class or struct is first built once as a definition and referenced; <see cref="Complete"/> then puts back
/// inline the definitions used once, and keeps under <c>$defs</c> (named after the type, camelCase) the ones used more
/// than once, the recursive ones, and the ones with an <c>$anchor</c>, so the document is small and recursion never
/// loops. Input schemas (<c>closeObjects</c>) say <c>additionalProperties: false</c> on objects: the binder ignores
/// unknown members, so naming them is always a client mistake. <c>[McpSchema]</c> keywords on a type or property are
/// merged in. <see cref="Build"/> returns <see langword="null"/> for a type without a JSON mapping.
/// </summary>
internal sealed class SchemaBuilder
{
    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly bool _closeObjects;
    private readonly bool _output;
    private StringEnumContexts? _stringEnums;
    private readonly Dictionary<ITypeSymbol, Definition> _definitions = new(SymbolEqualityComparer.Default);
    private readonly List<Definition> _order = new();

    /// <param name="compilation">The compilation the types come from.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <param name="closeObjects">Whether object schemas get <c>additionalProperties: false</c> (input schemas).</param>
    /// <param name="output">
    /// Whether the document describes what the server writes (an output schema): every value is then written by
    /// System.Text.Json, and a <c>Uri</c> may be relative (<c>uri-reference</c>).
    /// </param>
    public SchemaBuilder(Compilation compilation, CancellationToken cancellationToken, bool closeObjects = false, bool output = false)
    {
        _compilation = compilation;
        _cancellationToken = cancellationToken;
        _closeObjects = closeObjects;
        _output = output;
    }

    /// <summary>
    /// The schema of <paramref name="type"/>; with <paramref name="nullable"/>, <c>null</c> is allowed too. Object types
    /// come back as references: pass the document that holds them to <see cref="Complete"/>.
    /// </summary>
    /// <remarks>
    /// For an input document, <paramref name="type"/> is a tool parameter: a primitive one is read by the generated binder
    /// (enums by name); in an output document, or below the top level, values go through System.Text.Json.
    /// </remarks>
    public JsonObject? Build(ITypeSymbol type, bool nullable) => Build(type, nullable, serialized: _output);

    private JsonObject? Build(ITypeSymbol type, bool nullable, bool serialized, IPropertySymbol? property = null)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (TypeFacts.UnwrapNullable(type) is { } underlying)
        {
            type = underlying;
            nullable = true;
        }

        JsonObject? schema = BuildCore(TypeFacts.NonNullable(type), serialized, property);
        return schema is not null && nullable ? AllowNull(schema) : schema;
    }

    /// <summary>Whether a schema from <see cref="Build"/> is a reference to an object definition (resolved by <see cref="Complete"/>).</summary>
    public static bool IsReference(JsonObject schema) => schema["$ref"] is DefinitionReference;

    /// <summary>
    /// Resolves the references in <paramref name="root"/>: a definition used once goes back inline (a root that is itself
    /// a reference is always inlined, so an object stays an object), the others go to <c>$defs</c> at the end of the root.
    /// </summary>
    public JsonObject Complete(JsonObject root)
    {
        var counts = new Dictionary<Definition, int>();
        Count(root, counts);
        foreach (Definition definition in _order)
        {
            if (counts.ContainsKey(definition))
            {
                Count(definition.Schema!, counts);
            }
        }

        // Definitions reached only through others are counted through them; those never reached are dropped.
        bool Inline(Definition definition) => counts.TryGetValue(definition, out int uses) && uses == 1 && !definition.Anchored;
        JsonObject result = root["$ref"] is DefinitionReference rootReference && root.Count == 1
            ? Expand(ResolveInline(rootReference), Inline)
            : Expand(root, Inline);
        var defs = new JsonObject();
        foreach (Definition definition in _order)
        {
            if (counts.ContainsKey(definition) && !Inline(definition))
            {
                defs.Add(definition.Name, Expand(definition.Schema!, Inline));
            }
        }

        if (defs.Count > 0)
        {
            result.Add("$defs", defs);
        }

        return result;
    }

    private static void Count(JsonNode node, Dictionary<Definition, int> counts)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (KeyValuePair<string, JsonNode> property in obj.Properties)
                {
                    if (property.Value is DefinitionReference reference)
                    {
                        bool first = !counts.ContainsKey(reference.Definition);
                        counts[reference.Definition] = first ? 1 : counts[reference.Definition] + 1;
                    }
                    else
                    {
                        Count(property.Value, counts);
                    }
                }

                break;
            case JsonArray array:
                foreach (JsonNode item in array.Items)
                {
                    Count(item, counts);
                }

                break;
        }
    }

    /// <summary>A copy of <paramref name="node"/> with every reference resolved: spliced in place, or a <c>$ref</c> to <c>$defs</c>.</summary>
    private static JsonNode Expand(JsonNode node, Func<Definition, bool> inline) => node switch
    {
        JsonObject obj => Expand(obj, inline),
        JsonArray array => ExpandArray(array, inline),
        _ => node,
    };

    private static JsonObject Expand(JsonObject obj, Func<Definition, bool> inline)
    {
        var result = new JsonObject();
        foreach (KeyValuePair<string, JsonNode> property in obj.Properties)
        {
            if (property.Value is not DefinitionReference reference)
            {
                result.Add(property.Key, Expand(property.Value, inline));
            }
            else if (inline(reference.Definition))
            {
                // The definition's keywords take the place of "$ref"; the reference's own siblings (description, default) win.
                foreach (KeyValuePair<string, JsonNode> keyword in Expand(ResolveInline(reference), inline).Properties)
                {
                    if (obj[keyword.Key] is null)
                    {
                        result.Add(keyword.Key, keyword.Value);
                    }
                }
            }
            else if (reference.AllowsNull)
            {
                result.Add("anyOf", new JsonArray().Add(Ref(reference.Definition.Name)).Add(Type("null")));
            }
            else
            {
                result.Add("$ref", "#/$defs/" + reference.Definition.Name);
            }
        }

        return result;
    }

    private static JsonArray ExpandArray(JsonArray array, Func<Definition, bool> inline)
    {
        var result = new JsonArray();
        foreach (JsonNode item in array.Items)
        {
            result.Add(Expand(item, inline));
        }

        return result;
    }

    /// <summary>The definition a reference stands for, written out (and allowing null when the reference does).</summary>
    private static JsonObject ResolveInline(DefinitionReference reference)
        => reference.AllowsNull ? AllowNull(reference.Definition.Schema!) : reference.Definition.Schema!;

    private JsonObject? BuildCore(ITypeSymbol type, bool serialized, IPropertySymbol? property)
    {
        switch (TypeFacts.PrimitiveKind(type))
        {
            case ArgumentKind.String: return Type("string");
            case ArgumentKind.Char: return Type("string").Add("minLength", Number(1)).Add("maxLength", Number(1));
            case ArgumentKind.Boolean: return Type("boolean");
            case ArgumentKind.Byte: return Integer("0", "255");
            case ArgumentKind.SByte: return Integer("-128", "127");
            case ArgumentKind.Int16: return Integer("-32768", "32767");
            case ArgumentKind.UInt16: return Integer("0", "65535");
            case ArgumentKind.Int32: return Integer("-2147483648", "2147483647");
            case ArgumentKind.UInt32: return Integer("0", "4294967295");
            case ArgumentKind.Int64: return Integer("-9223372036854775808", "9223372036854775807");
            case ArgumentKind.UInt64: return Integer("0", "18446744073709551615");
            case ArgumentKind.Single: return Type("number").Add("minimum", JsonValue.Number("-3.4028234663852886E+38")).Add("maximum", JsonValue.Number("3.4028234663852886E+38"));
            case ArgumentKind.Double: return Type("number");
            case ArgumentKind.Decimal: return Type("number").Add("minimum", JsonValue.Number("-79228162514264337593543950335")).Add("maximum", JsonValue.Number("79228162514264337593543950335"));
            case ArgumentKind.DateTime: return Pattern(WireFormats.DateTimePattern);
            case ArgumentKind.DateTimeOffset: return Format("date-time").Add("pattern", WireFormats.DateTimeOffsetPattern);
            case ArgumentKind.DateOnly: return Format("date");
            case ArgumentKind.TimeOnly: return Pattern(WireFormats.TimeOnlyPattern);
            case ArgumentKind.TimeSpan: return Pattern(WireFormats.TimeSpanPattern);
            case ArgumentKind.Guid: return Format("uuid");
            case ArgumentKind.Uri: return Format(_output ? "uri-reference" : "uri");
            case ArgumentKind.Enum: return Enum((INamedTypeSymbol)type, !serialized || WritesEnumAsString((INamedTypeSymbol)type, property), serialized);
        }

        if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
        {
            return Type("string").Add("contentEncoding", "base64");
        }

        switch (TypeFacts.MetadataName(type))
        {
            case "System.Object":
            case "System.Text.Json.JsonElement":
            case "System.Text.Json.Nodes.JsonNode":
                return new JsonObject();
            case "System.Text.Json.Nodes.JsonObject":
                return Type("object");
            case "System.Text.Json.Nodes.JsonArray":
                return Type("array");
        }

        if (TypeFacts.TryGetCollection(type, out ITypeSymbol element, out bool isSet))
        {
            JsonObject? items = Build(element, TypeFacts.IsNullableAnnotated(element), serialized: true);
            if (items is null)
            {
                return null;
            }

            JsonObject array = Type("array").Add("items", items);
            return isSet ? array.Add("uniqueItems", true) : array;
        }

        if (TypeFacts.TryGetDictionary(type, out ITypeSymbol key, out ITypeSymbol value))
        {
            JsonObject? values = key.SpecialType == SpecialType.System_String ? Build(value, TypeFacts.IsNullableAnnotated(value), serialized: true) : null;
            return values is null ? null : Type("object").Add("additionalProperties", values);
        }

        if (IsObjectType(type))
        {
            // Each object type is built once per document; every use is a reference. The definition is registered
            // before its members are built, so a type that contains itself gets a reference, not a loop.
            if (_definitions.TryGetValue(type, out Definition? known))
            {
                return known.Failed ? null : Reference(known);
            }

            var definition = new Definition(DefinitionName(type));
            _definitions.Add(type, definition);
            _order.Add(definition);
            definition.Schema = BuildObject((INamedTypeSymbol)type, out definition.Anchored);
            definition.Failed = definition.Schema is null;
            return definition.Failed ? null : Reference(definition);
        }

        return null;
    }

    private JsonObject? BuildObject(INamedTypeSymbol type, out bool anchored)
    {
        anchored = false;
        IMethodSymbol? constructor = DeserializationConstructor(type);
        XElementCache typeDocs = new(type, _cancellationToken);
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (IPropertySymbol property in SerializableProperties(type))
        {
            _cancellationToken.ThrowIfCancellationRequested();
            string name = JsonName(property);
            IParameterSymbol? parameter = constructor?.Parameters.FirstOrDefault(
                p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase));
            bool nullable = TypeFacts.IsNullableAnnotated(property.Type);
            JsonObject? schema = Build(property.Type, nullable, serialized: true, property);
            if (schema is null)
            {
                return null;
            }

            schema = schema.Clone();
            string? description = Description(property) ?? DocComments.Param(typeDocs.Value, property.Name);
            if (description is not null)
            {
                schema = Prepend(schema, "description", JsonValue.String(description));
            }

            JsonNode? defaultValue = null;
            bool enumAsNumber = IsIntegerEnum(property.Type, schema);
            if (parameter is { HasExplicitDefaultValue: true })
            {
                defaultValue = enumAsNumber ? EnumNumber(parameter.ExplicitDefaultValue) : Literals.Json(parameter.ExplicitDefaultValue, parameter.Type);
            }
            else if (InitializerConstant(property) is { HasValue: true } initializer)
            {
                defaultValue = enumAsNumber ? EnumNumber(initializer.Value) : Literals.Json(initializer.Value, property.Type);
            }

            if (defaultValue is not null)
            {
                schema.Add("default", defaultValue);
            }

            // [McpSchema] on the property, or on the record's constructor parameter that declares it.
            if ((SchemaKeywords.Read(property, isToolRoot: false, out _) ?? (parameter is null ? null : SchemaKeywords.Read(parameter, isToolRoot: false, out _))) is { } keywords)
            {
                schema = SchemaKeywords.Merge(schema, keywords);
            }

            bool isRequired = property.IsRequired
                || (parameter is { HasExplicitDefaultValue: false } && !nullable && !TypeFacts.IsNullableAnnotated(parameter.Type));
            if (isRequired)
            {
                required.Add(JsonValue.String(name));
            }

            properties.Add(name, schema);
        }

        JsonObject result = Type("object").Add("properties", properties);
        if (required.Items.Count > 0)
        {
            result.Add("required", required);
        }

        if (_closeObjects && !AcceptsUnknownMembers(type))
        {
            result.Add("additionalProperties", false);
        }

        if (SchemaKeywords.Read(type, isToolRoot: false, out _) is { } typeKeywords)
        {
            anchored = SchemaKeywords.HasAnchor(typeKeywords);
            result = SchemaKeywords.Merge(result, typeKeywords);
        }

        return result;
    }

    /// <summary>
    /// Whether System.Text.Json keeps members the schema does not list: a <c>[JsonExtensionData]</c> property collects
    /// them, and a polymorphic type (<c>[JsonPolymorphic]</c>, <c>[JsonDerivedType]</c>) reads a discriminator and the
    /// derived type's members.
    /// </summary>
    private static bool AcceptsUnknownMembers(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (TypeFacts.HasAttribute(current, "System.Text.Json.Serialization.JsonPolymorphicAttribute")
                || TypeFacts.HasAttribute(current, "System.Text.Json.Serialization.JsonDerivedTypeAttribute")
                || current.GetMembers().OfType<IPropertySymbol>().Any(p => TypeFacts.HasAttribute(p, "System.Text.Json.Serialization.JsonExtensionDataAttribute")))
            {
                return true;
            }
        }

        return false;
    }

    private static JsonObject Prepend(JsonObject schema, string name, JsonNode value)
    {
        // Keeps "description" first when the schema is a shared $ref or type object.
        var copy = new JsonObject();
        copy.Add(name, value);
        foreach (KeyValuePair<string, JsonNode> property in schema.Properties)
        {
            copy.Add(property.Key, property.Value);
        }

        return copy;
    }

    private static bool IsObjectType(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named || named.IsAbstract || named.IsStatic)
        {
            return false;
        }

        if (named.TypeKind is not (TypeKind.Class or TypeKind.Struct) || named.SpecialType != SpecialType.None || named.IsRefLikeType)
        {
            return false;
        }

        if (named.IsTupleType || named.IsUnboundGenericType || named.TypeArguments.Any(t => t is ITypeParameterSymbol))
        {
            return false;
        }

        // Framework types other than the ones mapped above have no useful object schema (Type, Exception, Task...).
        string ns = named.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        if (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("Microsoft.", StringComparison.Ordinal))
        {
            return false;
        }

        return !TypeFacts.DerivesFrom(named, "System.Delegate");
    }

    private static IEnumerable<IPropertySymbol> SerializableProperties(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object && current.SpecialType != SpecialType.System_ValueType; current = current.BaseType)
        {
            chain.Insert(0, current);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (INamedTypeSymbol declaring in chain)
        {
            foreach (IPropertySymbol property in declaring.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public
                    || property.GetMethod is not { DeclaredAccessibility: Accessibility.Public } || IsIgnored(property)
                    || TypeFacts.HasAttribute(property, "System.Text.Json.Serialization.JsonExtensionDataAttribute"))
                {
                    continue;
                }

                if (seen.Add(property.Name))
                {
                    yield return property;
                }
            }
        }
    }

    private static bool IsIgnored(IPropertySymbol property)
    {
        AttributeData? ignore = TypeFacts.GetAttribute(property, "System.Text.Json.Serialization.JsonIgnoreAttribute");
        if (ignore is null)
        {
            return false;
        }

        // JsonIgnoreCondition.Always = 1 is the default; Never (0) keeps the property, WhenWriting* keep it in the schema.
        foreach (KeyValuePair<string, TypedConstant> argument in ignore.NamedArguments)
        {
            if (argument.Key == "Condition" && argument.Value.Value is int condition)
            {
                return condition == 1;
            }
        }

        return true;
    }

    private static string JsonName(IPropertySymbol property)
    {
        AttributeData? attribute = TypeFacts.GetAttribute(property, "System.Text.Json.Serialization.JsonPropertyNameAttribute");
        return attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is string name
            ? name
            : Names.ToCamelCase(property.Name);
    }

    private static IMethodSymbol? DeserializationConstructor(INamedTypeSymbol type)
    {
        IMethodSymbol[] constructors = type.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Accessibility.Public && !IsCopyConstructor(c, type))
            .ToArray();
        IMethodSymbol? marked = constructors.FirstOrDefault(c => TypeFacts.HasAttribute(c, "System.Text.Json.Serialization.JsonConstructorAttribute"));
        if (marked is not null)
        {
            return marked;
        }

        if (constructors.Any(c => c.Parameters.Length == 0))
        {
            return null;
        }

        return constructors.Length == 1 ? constructors[0] : null;
    }

    private static bool IsCopyConstructor(IMethodSymbol constructor, INamedTypeSymbol type)
        => constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);

    private Optional<object?> InitializerConstant(IPropertySymbol property)
    {
        foreach (SyntaxReference reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(_cancellationToken) is PropertyDeclarationSyntax { Initializer.Value: { } value }
                && _compilation.ContainsSyntaxTree(value.SyntaxTree))
            {
                return _compilation.GetSemanticModel(value.SyntaxTree).GetConstantValue(value, _cancellationToken);
            }
        }

        return default;
    }

    private string? Description(ISymbol symbol)
    {
        AttributeData? attribute = TypeFacts.GetAttribute(symbol, "System.ComponentModel.DescriptionAttribute");
        return attribute is { ConstructorArguments.Length: 1 } && attribute.ConstructorArguments[0].Value is string text
            ? text
            : DocComments.Summary(DocComments.Read(symbol, _cancellationToken));
    }

    private string DefinitionName(ITypeSymbol type)
    {
        string baseName = Names.ToCamelCase(Names.ToIdentifier(type.Name));
        string name = baseName;
        for (int i = 2; _order.Any(d => d.Name == name); i++)
        {
            name = baseName + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }

    /// <summary>
    /// An enum: its member names (<paramref name="asStrings"/>: the binder reads one name, or a string enum converter
    /// writes them, a <c>[Flags]</c> combination as a comma-separated list), else the numbers System.Text.Json writes
    /// by default (any integer for a <c>[Flags]</c> enum, whose combinations have no name).
    /// </summary>
    private static JsonObject Enum(INamedTypeSymbol type, bool asStrings, bool serialized)
    {
        IFieldSymbol[] fields = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).ToArray();
        bool flags = TypeFacts.HasAttribute(type, "System.FlagsAttribute");
        if (!asStrings)
        {
            if (flags)
            {
                return Type("integer");
            }

            var numbers = new JsonArray();
            foreach (string number in fields.Select(f => Convert.ToString(f.ConstantValue, System.Globalization.CultureInfo.InvariantCulture)!).Distinct())
            {
                numbers.Add(JsonValue.Number(number));
            }

            return Type("integer").Add("enum", numbers);
        }

        var names = new JsonArray();
        foreach (IFieldSymbol field in fields)
        {
            names.Add(JsonValue.String(TypeFacts.EnumMemberJsonName(field)));
        }

        if (flags && serialized && fields.Length > 0)
        {
            string name = "(?:" + string.Join("|", fields.Select(f => WireFormats.EscapeRegex(TypeFacts.EnumMemberJsonName(f)))) + ")";
            return Type("string").Add("pattern", "^" + name + "(?:, " + name + ")*$");
        }

        return Type("string").Add("enum", names);
    }

    /// <summary>
    /// Whether System.Text.Json writes this enum as names: a string enum converter in <c>[JsonConverter]</c> on the
    /// property or the enum, or a <c>JsonSerializerContext</c> of the compilation that says
    /// <c>UseStringEnumConverter = true</c> or lists a string enum converter in its options' <c>Converters</c>.
    /// </summary>
    private bool WritesEnumAsString(INamedTypeSymbol type, IPropertySymbol? property)
    {
        if (property is not null && ConverterOf(property) is { } propertyConverter)
        {
            return IsStringEnumConverter(propertyConverter);
        }

        if (ConverterOf(type) is { } typeConverter)
        {
            return IsStringEnumConverter(typeConverter);
        }

        _stringEnums ??= StringEnumContexts.Find(_compilation, _cancellationToken);
        return _stringEnums.All || _stringEnums.Enums.Contains(type);
    }

    private static ITypeSymbol? ConverterOf(ISymbol symbol)
        => TypeFacts.GetAttribute(symbol, "System.Text.Json.Serialization.JsonConverterAttribute") is { ConstructorArguments.Length: 1 } attribute
            ? attribute.ConstructorArguments[0].Value as ITypeSymbol
            : null;

    private static bool IsStringEnumConverter(ITypeSymbol converter)
    {
        for (ITypeSymbol? current = converter; current is not null; current = current.BaseType)
        {
            string name = TypeFacts.MetadataName(current);
            if (name is "System.Text.Json.Serialization.JsonStringEnumConverter" or "System.Text.Json.Serialization.JsonStringEnumConverter`1")
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsIntegerEnum(ITypeSymbol type, JsonObject schema)
        => (TypeFacts.UnwrapNullable(type) ?? type).TypeKind == TypeKind.Enum && schema["type"] is { } kind && kind.ToJson().Contains("\"integer\"");

    private static JsonValue? EnumNumber(object? value)
        => value is null ? null : JsonValue.Number(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);

    /// <summary>What the compilation's <c>JsonSerializerContext</c>s say about enums (found once per builder, on first need).</summary>
    private sealed class StringEnumContexts
    {
        private StringEnumContexts(bool all, HashSet<ITypeSymbol> enums)
        {
            All = all;
            Enums = enums;
        }

        /// <summary>Some context says <c>UseStringEnumConverter = true</c> or lists the non-generic converter.</summary>
        public bool All { get; }

        /// <summary>Enums whose <c>JsonStringEnumConverter&lt;T&gt;</c> a context lists in its <c>Converters</c>.</summary>
        public HashSet<ITypeSymbol> Enums { get; }

        public static StringEnumContexts Find(Compilation compilation, CancellationToken cancellationToken)
        {
            bool all = false;
            var enums = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
            var pending = new Stack<INamespaceOrTypeSymbol>();
            pending.Push(compilation.Assembly.GlobalNamespace);
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                INamespaceOrTypeSymbol current = pending.Pop();
                foreach (ISymbol member in current.GetMembers())
                {
                    if (member is INamespaceOrTypeSymbol container)
                    {
                        pending.Push(container);
                    }
                }

                if (current is not INamedTypeSymbol type || !TypeFacts.DerivesFrom(type, "System.Text.Json.Serialization.JsonSerializerContext")
                    || TypeFacts.GetAttribute(type, "System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute") is not { } options)
                {
                    continue;
                }

                foreach (KeyValuePair<string, TypedConstant> argument in options.NamedArguments)
                {
                    if (argument.Key == "UseStringEnumConverter" && argument.Value.Value is true)
                    {
                        all = true;
                    }
                    else if (argument.Key == "Converters" && argument.Value.Kind == TypedConstantKind.Array)
                    {
                        foreach (TypedConstant converter in argument.Value.Values)
                        {
                            if (converter.Value is INamedTypeSymbol converterType && IsStringEnumConverter(converterType))
                            {
                                if (converterType.IsGenericType && converterType.TypeArguments.Length == 1)
                                {
                                    enums.Add(converterType.TypeArguments[0]);
                                }
                                else
                                {
                                    all = true;
                                }
                            }
                        }
                    }
                }
            }

            return new StringEnumContexts(all, enums);
        }
    }

    private static JsonObject AllowNull(JsonObject schema)
    {
        JsonObject copy = schema.Clone();
        if (copy["$ref"] is DefinitionReference reference)
        {
            // Resolved by Complete: "type": [..., "null"] when inlined, anyOf [$ref, null] when shared.
            return new JsonObject().Add("$ref", new DefinitionReference(reference.Definition, allowsNull: true));
        }

        if (copy["$ref"] is not null)
        {
            return new JsonObject().Add("anyOf", new JsonArray().Add(copy).Add(Type("null")));
        }

        if (copy["type"] is JsonValue type)
        {
            copy.Add("type", new JsonArray().Add(type).Add(JsonValue.String("null")));
        }

        if (copy["enum"] is JsonArray values)
        {
            var withNull = new JsonArray();
            withNull.Items.AddRange(values.Items);
            withNull.Add(JsonValue.Null);
            copy.Add("enum", withNull);
        }

        return copy;
    }

    private static JsonObject Type(string type) => new JsonObject().Add("type", type);

    private static JsonObject Format(string format) => Type("string").Add("format", format);

    private static JsonObject Pattern(string pattern) => Type("string").Add("pattern", pattern);

    private static JsonObject Integer(string minimum, string maximum)
        => Type("integer").Add("minimum", JsonValue.Number(minimum)).Add("maximum", JsonValue.Number(maximum));

    private static JsonValue Number(int value) => JsonValue.Number(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static JsonObject Ref(string name) => new JsonObject().Add("$ref", "#/$defs/" + name);

    private static JsonObject Reference(Definition definition) => new JsonObject().Add("$ref", new DefinitionReference(definition, allowsNull: false));

    /// <summary>One object type of the document: built once, then inlined or kept under <c>$defs</c> by <see cref="Complete"/>.</summary>
    private sealed class Definition(string name)
    {
        public string Name { get; } = name;

        public JsonObject? Schema;

        public bool Anchored;

        public bool Failed;
    }

    /// <summary>The value of a <c>"$ref"</c> member until <see cref="Complete"/> resolves it.</summary>
    private sealed class DefinitionReference(Definition definition, bool allowsNull) : JsonNode
    {
        public Definition Definition { get; } = definition;

        public bool AllowsNull { get; } = allowsNull;

        public override void WriteTo(System.Text.StringBuilder output) => WriteString(output, "#/$defs/" + Definition.Name);
    }

    /// <summary>Reads a type's doc comment once, on first use.</summary>
    private sealed class XElementCache(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        private bool _read;
        private System.Xml.Linq.XElement? _value;

        public System.Xml.Linq.XElement? Value
        {
            get
            {
                if (!_read)
                {
                    _value = DocComments.Read(type, cancellationToken);
                    _read = true;
                }

                return _value;
            }
        }
    }
}
