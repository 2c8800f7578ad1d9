using System.Collections.Generic;
using System.Linq;
using McpGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace McpGen.Generator.Parsing;

/// <summary>Recognises the types the generator gives meaning to, by metadata name (no references required).</summary>
internal static class TypeFacts
{
    /// <summary><c>global::</c>-qualified names with nullable reference annotations.</summary>
    public static readonly SymbolDisplayFormat TypeNameFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly HashSet<string> s_listTypes = new()
    {
        "System.Collections.Generic.List`1",
        "System.Collections.Generic.IList`1",
        "System.Collections.Generic.IReadOnlyList`1",
        "System.Collections.Generic.IEnumerable`1",
        "System.Collections.Generic.ICollection`1",
        "System.Collections.Generic.IReadOnlyCollection`1",
        "System.Collections.Generic.LinkedList`1",
        "System.Collections.Generic.Queue`1",
        "System.Collections.Generic.Stack`1",
        "System.Collections.Immutable.ImmutableArray`1",
        "System.Collections.Immutable.ImmutableList`1",
        "System.Collections.Immutable.IImmutableList`1",
        "System.Collections.Immutable.ImmutableQueue`1",
        "System.Collections.Immutable.ImmutableStack`1",
        "System.Collections.ObjectModel.Collection`1",
        "System.Collections.ObjectModel.ReadOnlyCollection`1",
        "System.Collections.ObjectModel.ObservableCollection`1",
        "System.Collections.Concurrent.ConcurrentBag`1",
        "System.Collections.Concurrent.ConcurrentQueue`1",
    };

    private static readonly HashSet<string> s_setTypes = new()
    {
        "System.Collections.Generic.HashSet`1",
        "System.Collections.Generic.ISet`1",
        "System.Collections.Generic.IReadOnlySet`1",
        "System.Collections.Generic.SortedSet`1",
        "System.Collections.Immutable.ImmutableHashSet`1",
        "System.Collections.Immutable.ImmutableSortedSet`1",
        "System.Collections.Immutable.IImmutableSet`1",
        "System.Collections.Frozen.FrozenSet`1",
    };

    private static readonly HashSet<string> s_dictionaryTypes = new()
    {
        "System.Collections.Generic.Dictionary`2",
        "System.Collections.Generic.IDictionary`2",
        "System.Collections.Generic.IReadOnlyDictionary`2",
        "System.Collections.Generic.SortedDictionary`2",
        "System.Collections.Generic.SortedList`2",
        "System.Collections.Immutable.ImmutableDictionary`2",
        "System.Collections.Immutable.ImmutableSortedDictionary`2",
        "System.Collections.Immutable.IImmutableDictionary`2",
        "System.Collections.Concurrent.ConcurrentDictionary`2",
        "System.Collections.Frozen.FrozenDictionary`2",
    };

    /// <summary>The namespace-qualified metadata name, such as <c>System.Collections.Generic.List`1</c>.</summary>
    public static string MetadataName(ITypeSymbol type)
    {
        ISymbol symbol = type.OriginalDefinition;
        if (symbol.ContainingType is null && symbol.ContainingNamespace is { } parent)
        {
            // The common case, a namespace-level type: one concatenation, no display-string formatting.
            return parent.IsGlobalNamespace ? symbol.MetadataName : NamespaceName(parent) + "." + symbol.MetadataName;
        }

        string name = symbol.MetadataName;
        for (INamedTypeSymbol? outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        INamespaceSymbol? ns = symbol.ContainingNamespace;
        for (INamedTypeSymbol? outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            ns = outer.ContainingNamespace;
        }

        return ns is null || ns.IsGlobalNamespace ? name : NamespaceName(ns) + "." + name;
    }

    /// <summary>
    /// Whether the type's <see cref="MetadataName"/> is <paramref name="metadataName"/>, compared part by part from the
    /// innermost name outwards without building the name (attribute checks run for every attribute of every symbol).
    /// </summary>
    public static bool Is(ITypeSymbol? type, string metadataName)
    {
        if (type is null)
        {
            return false;
        }

        ISymbol current = type.OriginalDefinition;
        int end = metadataName.Length;
        while (true)
        {
            if (!EndsWithAt(metadataName, ref end, current.MetadataName))
            {
                return false;
            }

            if (current.ContainingType is not { } outer)
            {
                break;
            }

            if (end == 0 || metadataName[end - 1] != '+')
            {
                return false;
            }

            end--;
            current = outer;
        }

        for (INamespaceSymbol? ns = current.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            if (end == 0 || metadataName[end - 1] != '.')
            {
                return false;
            }

            end--;
            if (!EndsWithAt(metadataName, ref end, ns.Name))
            {
                return false;
            }
        }

        return end == 0;
    }

    private static bool EndsWithAt(string text, ref int end, string part)
    {
        int start = end - part.Length;
        if (start < 0 || string.CompareOrdinal(text, start, part, 0, part.Length) != 0)
        {
            return false;
        }

        end = start;
        return true;
    }

    private static string NamespaceName(INamespaceSymbol ns)
        => ns.ContainingNamespace is { IsGlobalNamespace: false } parent ? NamespaceName(parent) + "." + ns.Name : ns.Name;

    /// <summary>
    /// The JSON name of an enum member: <c>[JsonStringEnumMemberName]</c> when present, else the member name (what
    /// <c>JsonStringEnumConverter</c> writes without a naming policy).
    /// </summary>
    public static string EnumMemberJsonName(IFieldSymbol field)
        => GetAttribute(field, "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute") is { ConstructorArguments.Length: 1 } attribute
            && attribute.ConstructorArguments[0].Value is string name
                ? name
                : field.Name;

    public static bool HasAttribute(ISymbol symbol, string metadataName)
        => GetAttribute(symbol, metadataName) is not null;

    public static AttributeData? GetAttribute(ISymbol symbol, string metadataName)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (Is(attribute.AttributeClass, metadataName))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>The type name as emitted, with nullable annotations.</summary>
    public static string Name(ITypeSymbol type) => type.ToDisplayString(TypeNameFormat);

    /// <summary>The non-nullable type name: <c>T</c> for <c>T?</c> (value or reference).</summary>
    public static string ValueName(ITypeSymbol type) => Name(NonNullable(type));

    public static ITypeSymbol NonNullable(ITypeSymbol type)
    {
        if (UnwrapNullable(type) is { } underlying)
        {
            return underlying;
        }

        return type.IsReferenceType ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) : type;
    }

    /// <summary>The <c>T</c> of <c>Nullable&lt;T&gt;</c>, or <see langword="null"/>.</summary>
    public static ITypeSymbol? UnwrapNullable(ITypeSymbol type)
        => type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } named ? named.TypeArguments[0] : null;

    public static bool IsNullableAnnotated(ITypeSymbol type)
        => UnwrapNullable(type) is not null || (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated);

    /// <summary>The primitive reader kind of a type (after unwrapping <c>Nullable&lt;T&gt;</c>), or <see cref="ArgumentKind.None"/>.</summary>
    public static ArgumentKind PrimitiveKind(ITypeSymbol type)
    {
        type = UnwrapNullable(type) ?? type;
        if (type.TypeKind == TypeKind.Enum)
        {
            return ArgumentKind.Enum;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_String: return ArgumentKind.String;
            case SpecialType.System_Char: return ArgumentKind.Char;
            case SpecialType.System_Boolean: return ArgumentKind.Boolean;
            case SpecialType.System_Byte: return ArgumentKind.Byte;
            case SpecialType.System_SByte: return ArgumentKind.SByte;
            case SpecialType.System_Int16: return ArgumentKind.Int16;
            case SpecialType.System_UInt16: return ArgumentKind.UInt16;
            case SpecialType.System_Int32: return ArgumentKind.Int32;
            case SpecialType.System_UInt32: return ArgumentKind.UInt32;
            case SpecialType.System_Int64: return ArgumentKind.Int64;
            case SpecialType.System_UInt64: return ArgumentKind.UInt64;
            case SpecialType.System_Single: return ArgumentKind.Single;
            case SpecialType.System_Double: return ArgumentKind.Double;
            case SpecialType.System_Decimal: return ArgumentKind.Decimal;
            case SpecialType.System_DateTime: return ArgumentKind.DateTime;
        }

        return MetadataName(type) switch
        {
            "System.Guid" => ArgumentKind.Guid,
            "System.DateTimeOffset" => ArgumentKind.DateTimeOffset,
            "System.DateOnly" => ArgumentKind.DateOnly,
            "System.TimeOnly" => ArgumentKind.TimeOnly,
            "System.TimeSpan" => ArgumentKind.TimeSpan,
            "System.Uri" => ArgumentKind.Uri,
            _ => ArgumentKind.None,
        };
    }

    /// <summary>Recognises arrays and the list and set collections, returning the element type.</summary>
    public static bool TryGetCollection(ITypeSymbol type, out ITypeSymbol element, out bool isSet)
    {
        isSet = false;
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            element = array.ElementType;
            return true;
        }

        if (type is INamedTypeSymbol { TypeArguments.Length: 1 } named)
        {
            string name = MetadataName(named);
            isSet = s_setTypes.Contains(name);
            if (isSet || s_listTypes.Contains(name))
            {
                element = named.TypeArguments[0];
                return true;
            }
        }

        element = null!;
        return false;
    }

    /// <summary>Recognises dictionaries, returning the key and value types.</summary>
    public static bool TryGetDictionary(ITypeSymbol type, out ITypeSymbol key, out ITypeSymbol value)
    {
        if (type is INamedTypeSymbol { TypeArguments.Length: 2 } named && s_dictionaryTypes.Contains(MetadataName(named)))
        {
            key = named.TypeArguments[0];
            value = named.TypeArguments[1];
            return true;
        }

        key = value = null!;
        return false;
    }

    /// <summary>Whether the type is or derives from <paramref name="baseMetadataName"/>.</summary>
    public static bool DerivesFrom(ITypeSymbol type, string baseMetadataName)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (Is(current, baseMetadataName))
            {
                return true;
            }
        }

        return false;
    }

    public static bool Implements(ITypeSymbol type, string interfaceMetadataName)
        => Is(type, interfaceMetadataName) || type.AllInterfaces.Any(i => Is(i, interfaceMetadataName));
}
