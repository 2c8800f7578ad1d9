namespace McpGen.Generator.Model;

// Incremental-pipeline values, like ServerSpec: immutable, structurally equal, holding only strings, bools, ints, enums,
// other specs and EquatableArray<T>. No symbols, syntax or compilations.

/// <summary>One <c>[McpElicitationForm]</c> type: its compile-time <c>requestedSchema</c> and how to read and build it.</summary>
/// <param name="HintName">The stable hint name of the generated file.</param>
/// <param name="Namespace">The containing namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">The partial types the form is nested in, outermost first.</param>
/// <param name="Declaration">The partial declaration of the form itself.</param>
/// <param name="TypeName">The <c>global::</c>-qualified name of the form.</param>
/// <param name="SchemaJson">The <c>requestedSchema</c> object as JSON text.</param>
/// <param name="Fields">The fields, in schema order.</param>
/// <param name="ConstructorFields">Indexes into <paramref name="Fields"/> of the constructor's arguments, in parameter order (empty: the parameterless constructor).</param>
internal sealed record ElicitationFormSpec(
    string HintName,
    string Namespace,
    EquatableArray<TypeDeclarationSpec> ContainingTypes,
    TypeDeclarationSpec Declaration,
    string TypeName,
    string SchemaJson,
    EquatableArray<FormFieldSpec> Fields,
    EquatableArray<int> ConstructorFields);

/// <summary>One field of a form: a property or a primary constructor parameter.</summary>
/// <param name="MemberName">The property (or parameter) name as written in C#.</param>
/// <param name="JsonName">The name in the schema and the content.</param>
/// <param name="Kind">How the value is read.</param>
/// <param name="TypeName">The C# type of the property, <c>global::</c>-qualified, with nullable annotations.</param>
/// <param name="ValueTypeName">The non-nullable value type (for enum arrays: the enum).</param>
/// <param name="Nullable">Whether the property accepts <see langword="null"/> (JSON null is then allowed).</param>
/// <param name="Required">Whether the field is in <c>required</c> (non-nullable, no default).</param>
/// <param name="DefaultLiteral">The C# expression of the default when absent, if it is a constant.</param>
/// <param name="KeepsInitializer">When absent, keep what a new instance holds (a non-constant property initializer).</param>
/// <param name="InConstructor">Whether the value is passed to the constructor (else set in the object initializer).</param>
/// <param name="Collection">For enum arrays: how the list becomes the property's type.</param>
/// <param name="MinLength">The minimum length (strings) or item count (arrays), if any.</param>
/// <param name="MaxLength">The maximum length (strings) or item count (arrays), if any.</param>
/// <param name="Minimum">The minimum of a number, as a C# literal, if any.</param>
/// <param name="Maximum">The maximum of a number, as a C# literal, if any.</param>
/// <param name="EnumMembers">The enum members: JSON value and C# member access.</param>
internal sealed record FormFieldSpec(
    string MemberName,
    string JsonName,
    FormFieldKind Kind,
    string TypeName,
    string ValueTypeName,
    bool Nullable,
    bool Required,
    string? DefaultLiteral,
    bool KeepsInitializer,
    bool InConstructor,
    FormCollectionKind Collection,
    int? MinLength,
    int? MaxLength,
    string? Minimum,
    string? Maximum,
    EquatableArray<EnumMemberSpec> EnumMembers);

/// <summary>The value kinds a form field may have (the primitives the specification allows).</summary>
internal enum FormFieldKind
{
    String,
    Uri,
    DateTime,
    DateTimeOffset,
    DateOnly,
    Integer,
    Double,
    Single,
    Decimal,
    Boolean,
    Enum,
    EnumArray,
}

/// <summary>How an enum array field's collected values become the property's type.</summary>
internal enum FormCollectionKind
{
    None,
    List,
    Array,
    HashSet,
}
