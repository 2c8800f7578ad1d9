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
/// Computes JSON Schema (2020-12) for .NET types at compile time, the way System.Text.Json with the ASP.NET Core web
/// defaults reads and writes them (camelCase properties, enums as strings). One builder serves one schema document:
/// types that contain themselves are emitted once under <c>$defs</c> and referenced with <c>$ref</c>, so recursion
/// never loops. <see cref="Build"/> returns <see langword="null"/> for a type without a JSON mapping.
/// </summary>
internal sealed class SchemaBuilder
{
    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly List<ITypeSymbol> _stack = new();
    private readonly Dictionary<ITypeSymbol, string> _defNames = new(SymbolEqualityComparer.Default);
    private readonly List<ITypeSymbol> _defOrder = new();

    public SchemaBuilder(Compilation compilation, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The schema of <paramref name="type"/>; with <paramref name="nullable"/>, <c>null</c> is allowed too.</summary>
    public JsonObject? Build(ITypeSymbol type, bool nullable)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (TypeFacts.UnwrapNullable(type) is { } underlying)
        {
            type = underlying;
            nullable = true;
        }

        JsonObject? schema = BuildCore(TypeFacts.NonNullable(type));
        return schema is not null && nullable ? AllowNull(schema) : schema;
    }

    /// <summary>Adds the <c>$defs</c> of recursive types to the document root, when there are any.</summary>
    public void AddDefinitions(JsonObject root)
    {
        if (_defOrder.Count == 0)
        {
            return;
        }

        var defs = new JsonObject();
        for (int i = 0; i < _defOrder.Count; i++)
        {
            ITypeSymbol type = _defOrder[i];
            _stack.Add(type);
            JsonObject? definition = BuildObject((INamedTypeSymbol)type);
            _stack.RemoveAt(_stack.Count - 1);
            defs.Add(_defNames[type], definition ?? new JsonObject());
        }

        root.Add("$defs", defs);
    }

    private JsonObject? BuildCore(ITypeSymbol type)
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
            case ArgumentKind.Int32: return Type("integer");
            case ArgumentKind.UInt32: return Integer("0", "4294967295");
            case ArgumentKind.Int64: return Type("integer");
            case ArgumentKind.UInt64: return Type("integer").Add("minimum", Number(0));
            case ArgumentKind.Single:
            case ArgumentKind.Double:
            case ArgumentKind.Decimal: return Type("number");
            case ArgumentKind.DateTime:
            case ArgumentKind.DateTimeOffset: return Format("date-time");
            case ArgumentKind.DateOnly: return Format("date");
            case ArgumentKind.TimeOnly: return Format("time");
            case ArgumentKind.TimeSpan: return Format("duration");
            case ArgumentKind.Guid: return Format("uuid");
            case ArgumentKind.Uri: return Format("uri");
            case ArgumentKind.Enum: return Enum((INamedTypeSymbol)type);
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
            JsonObject? items = Build(element, TypeFacts.IsNullableAnnotated(element));
            if (items is null)
            {
                return null;
            }

            JsonObject array = Type("array").Add("items", items);
            return isSet ? array.Add("uniqueItems", true) : array;
        }

        if (TypeFacts.TryGetDictionary(type, out ITypeSymbol key, out ITypeSymbol value))
        {
            JsonObject? values = key.SpecialType == SpecialType.System_String ? Build(value, TypeFacts.IsNullableAnnotated(value)) : null;
            return values is null ? null : Type("object").Add("additionalProperties", values);
        }

        if (IsObjectType(type))
        {
            // A recursive type, once found, is always referenced (its definition is built separately in AddDefinitions).
            if (_defNames.TryGetValue(type, out string? defName))
            {
                return Ref(defName);
            }

            if (_stack.Contains(type, SymbolEqualityComparer.Default))
            {
                return Ref(DefinitionName(type));
            }

            _stack.Add(type);
            JsonObject? schema = BuildObject((INamedTypeSymbol)type);
            _stack.RemoveAt(_stack.Count - 1);
            return schema;
        }

        return null;
    }

    private JsonObject? BuildObject(INamedTypeSymbol type)
    {
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
            JsonObject? schema = Build(property.Type, nullable);
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
            if (parameter is { HasExplicitDefaultValue: true })
            {
                defaultValue = Literals.Json(parameter.ExplicitDefaultValue, parameter.Type);
            }
            else if (InitializerConstant(property) is { HasValue: true } initializer)
            {
                defaultValue = Literals.Json(initializer.Value, property.Type);
            }

            if (defaultValue is not null)
            {
                schema.Add("default", defaultValue);
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
        return required.Items.Count > 0 ? result.Add("required", required) : result;
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
                    || property.GetMethod is not { DeclaredAccessibility: Accessibility.Public } || IsIgnored(property))
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
        if (!_defNames.TryGetValue(type, out string? name))
        {
            string baseName = Names.ToIdentifier(type.Name);
            name = baseName;
            for (int i = 2; _defNames.Values.Contains(name); i++)
            {
                name = baseName + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            _defNames.Add(type, name);
            _defOrder.Add(type);
        }

        return name;
    }

    private JsonObject Enum(INamedTypeSymbol type)
    {
        var names = new JsonArray();
        foreach (IFieldSymbol field in type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue))
        {
            names.Add(JsonValue.String(field.Name));
        }

        return Type("string").Add("enum", names);
    }

    private static JsonObject AllowNull(JsonObject schema)
    {
        JsonObject copy = schema.Clone();
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

    private static JsonObject Integer(string minimum, string maximum)
        => Type("integer").Add("minimum", JsonValue.Number(minimum)).Add("maximum", JsonValue.Number(maximum));

    private static JsonValue Number(int value) => JsonValue.Number(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static JsonObject Ref(string name) => new JsonObject().Add("$ref", "#/$defs/" + name);

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
