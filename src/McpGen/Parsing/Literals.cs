using System;
using System.Globalization;
using System.Linq;
using McpGen.Generator.Schema;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace McpGen.Generator.Parsing;

/// <summary>Turns compile-time constants (parameter and property defaults) into C# and JSON text, culture-free.</summary>
internal static class Literals
{
    /// <summary>The C# expression of a constant of <paramref name="type"/>.</summary>
    public static string CSharp(object? value, ITypeSymbol type)
    {
        ITypeSymbol target = TypeFacts.UnwrapNullable(type) ?? type;
        if (value is null)
        {
            return type.IsValueType && TypeFacts.UnwrapNullable(type) is null ? "default" : "null";
        }

        if (target is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
        {
            IFieldSymbol? member = EnumMember(enumType, value);
            string enumName = TypeFacts.Name(enumType);
            return member is not null
                ? enumName + "." + Identifier(member.Name)
                : "(" + enumName + ")(" + CSharp(value, enumType.EnumUnderlyingType!) + ")";
        }

        return value switch
        {
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            bool b => b ? "true" : "false",
            double d => Double(d),
            float f => Single(f),
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
            uint ui => ui.ToString(CultureInfo.InvariantCulture) + "U",
            int i => i.ToString(CultureInfo.InvariantCulture),
            byte or sbyte or short or ushort => "(" + TypeFacts.Name(target) + ")(" + Convert.ToString(value, CultureInfo.InvariantCulture) + ")",
            _ => "default",
        };
    }

    /// <summary>The JSON value of a constant, or <see langword="null"/> when JSON cannot express it.</summary>
    public static JsonNode? Json(object? value, ITypeSymbol type)
    {
        if (value is null)
        {
            return type.IsValueType && TypeFacts.UnwrapNullable(type) is null ? null : JsonValue.Null;
        }

        ITypeSymbol target = TypeFacts.UnwrapNullable(type) ?? type;
        if (target is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
        {
            return EnumMember(enumType, value) is { } member ? JsonValue.String(TypeFacts.EnumMemberJsonName(member)) : null;
        }

        return value switch
        {
            string s => JsonValue.String(s),
            char c => JsonValue.String(c.ToString()),
            bool b => JsonValue.Boolean(b),
            double d => double.IsNaN(d) || double.IsInfinity(d) ? null : JsonValue.Number(d.ToString("R", CultureInfo.InvariantCulture)),
            float f => float.IsNaN(f) || float.IsInfinity(f) ? null : JsonValue.Number(f.ToString("R", CultureInfo.InvariantCulture)),
            decimal m => JsonValue.Number(m.ToString(CultureInfo.InvariantCulture)),
            byte or sbyte or short or ushort or int or uint or long or ulong => JsonValue.Number(Convert.ToString(value, CultureInfo.InvariantCulture)!),
            _ => null,
        };
    }

    /// <summary>An identifier as C# source, escaped with <c>@</c> when it is a keyword.</summary>
    public static string Identifier(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static IFieldSymbol? EnumMember(INamedTypeSymbol enumType, object value)
        => enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));

    private static string Double(double d)
    {
        if (double.IsNaN(d))
        {
            return "double.NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        }

        return d.ToString("R", CultureInfo.InvariantCulture) + "D";
    }

    private static string Single(float f)
    {
        if (float.IsNaN(f))
        {
            return "float.NaN";
        }

        if (float.IsInfinity(f))
        {
            return f > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        }

        return f.ToString("R", CultureInfo.InvariantCulture) + "F";
    }
}
