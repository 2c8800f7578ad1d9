namespace McpGen.Generator.Model;

/// <summary>One <c>[McpTool]</c> method (equatable; see <see cref="ServerSpec"/> for the rules).</summary>
/// <param name="Name">The tool name.</param>
/// <param name="Identifier">A C# identifier unique in the server, derived from the name.</param>
/// <param name="MethodName">The method name as written in C# (escaped if a keyword).</param>
/// <param name="IsStatic">Whether the method is static (no server instance needed).</param>
/// <param name="Json">The <c>Tool</c> object as JSON text, exactly as <c>tools/list</c> reports it.</param>
/// <param name="Parameters">The method parameters, in declaration order.</param>
/// <param name="Return">How the result is written.</param>
/// <param name="Progress">Whether the tool may report progress.</param>
/// <param name="Logging">Whether the tool may send log messages.</param>
/// <param name="Headers">The arguments mirrored into <c>Mcp-Param-{Name}</c> headers (<c>[McpHeader]</c>), in parameter order.</param>
/// <param name="Requirements">The required services and JSON types of the parameters and the result, in parameter order, result last.</param>
/// <param name="Authorization">Who may call the tool (<c>[Authorize]</c>, <c>[McpScope]</c>), or <see langword="null"/> when anyone may.</param>
/// <param name="TaskSupport">The <c>McpTaskSupport</c> member name (<c>Optional</c>, <c>Required</c>), or <see langword="null"/> for never a task.</param>
/// <param name="Rerunnable">Whether a task that lost its worker runs again (<c>[McpTool(Rerunnable = true)]</c>).</param>
internal sealed record ToolSpec(
    string Name,
    string Identifier,
    string MethodName,
    bool IsStatic,
    string Json,
    EquatableArray<ParameterSpec> Parameters,
    ReturnSpec Return,
    bool Progress,
    bool Logging,
    EquatableArray<HeaderSpec> Headers = default,
    EquatableArray<RequirementSpec> Requirements = default,
    AuthorizationSpec? Authorization = null,
    string? TaskSupport = null,
    bool Rerunnable = false);

/// <summary>An argument mirrored into an HTTP header on 2026-07-28 requests (<c>x-mcp-header</c>).</summary>
/// <param name="Name">The header name after <c>Mcp-Param-</c>, as declared.</param>
/// <param name="Argument">The argument (the input schema property) it mirrors.</param>
internal readonly record struct HeaderSpec(string Name, string Argument);

/// <summary>One method parameter and how it is bound.</summary>
/// <param name="Name">The parameter name as declared (no <c>@</c>).</param>
/// <param name="Source">Where the value comes from.</param>
/// <param name="TypeName">The declared type, <c>global::</c>-qualified, with nullable annotations.</param>
/// <param name="ValueTypeName">The non-nullable type that is read (<c>T</c> for <c>T?</c>).</param>
/// <param name="Kind">How a JSON argument is read.</param>
/// <param name="IsNullableValueType">Whether the type is <c>Nullable&lt;T&gt;</c>.</param>
/// <param name="AllowsNull">Whether JSON <c>null</c> means <see langword="null"/> (nullable parameters).</param>
/// <param name="IsRequired">Whether a missing argument is an error.</param>
/// <param name="DefaultLiteral">The C# expression of the default value, when the parameter has one.</param>
/// <param name="Expected">The expected type, as described to the model in argument errors.</param>
/// <param name="EnumMembers">The members of an enum argument.</param>
/// <param name="Service">The service lookup, for <see cref="ParameterSource.Service"/>.</param>
internal sealed record ParameterSpec(
    string Name,
    ParameterSource Source,
    string TypeName,
    string ValueTypeName,
    ArgumentKind Kind,
    bool IsNullableValueType,
    bool AllowsNull,
    bool IsRequired,
    string? DefaultLiteral,
    string Expected,
    EquatableArray<EnumMemberSpec> EnumMembers,
    ServiceSpec? Service);

/// <summary>An enum member: the name in JSON and the C# member access.</summary>
internal readonly record struct EnumMemberSpec(string JsonName, string Member);

/// <summary>Where a parameter's value comes from.</summary>
internal enum ParameterSource
{
    Json,
    CancellationToken,
    HttpContext,
    User,
    Services,
    RequestContext,
    Progress,
    Service,

    /// <summary>A variable of a resource URI template (parsed from <c>context.ResourceUri</c>).</summary>
    UriVariable,

    /// <summary>The partial value a completion method completes.</summary>
    CompletionValue,

    /// <summary>The <c>McpCompletionContext</c> of a completion method.</summary>
    CompletionContext,
}

/// <summary>How a JSON argument (or a primitive result) is read or written; names match <c>McpArgumentReader.TryReadX</c>.</summary>
internal enum ArgumentKind
{
    None,
    String,
    Char,
    Boolean,
    Byte,
    SByte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    Decimal,
    Guid,
    DateTime,
    DateTimeOffset,
    DateOnly,
    TimeOnly,
    TimeSpan,
    Uri,
    Enum,
    Json,
}

/// <summary>How a tool's result is awaited and written.</summary>
/// <param name="Kind">The result family.</param>
/// <param name="Await">Whether the method returns a task to await.</param>
/// <param name="TypeName">The result type (the <c>T</c> of <c>Task&lt;T&gt;</c>), <c>global::</c>-qualified.</param>
/// <param name="ValueTypeName">The non-nullable result type, for type information.</param>
/// <param name="Primitive">For <see cref="ReturnKind.Primitive"/>: which primitive.</param>
/// <param name="IsNullableValueType">Whether the result type is <c>Nullable&lt;T&gt;</c>.</param>
/// <param name="Wrapped">For <see cref="ReturnKind.Structured"/>: whether the value is wrapped as <c>{"result": ...}</c>.</param>
internal sealed record ReturnSpec(
    ReturnKind Kind,
    AwaitKind Await,
    string TypeName,
    string ValueTypeName,
    ArgumentKind Primitive,
    bool IsNullableValueType,
    bool Wrapped);

/// <summary>The result families a tool may return.</summary>
internal enum ReturnKind
{
    Void,
    Text,
    Content,
    ContentList,
    Result,
    Structured,
    Primitive,

    /// <summary>Resource contents: a <c>string</c>.</summary>
    ResourceText,

    /// <summary>Resource contents: <c>byte[]</c> or <c>ReadOnlyMemory&lt;byte&gt;</c>.</summary>
    ResourceBlob,

    /// <summary>Resource contents: <c>ResourceContents</c> or a list of them.</summary>
    ResourceContents,

    /// <summary>A prompt: a <c>string</c> (one user message).</summary>
    PromptText,

    /// <summary>A prompt: one <c>PromptMessage</c>.</summary>
    PromptMessage,

    /// <summary>A prompt: a list of <c>PromptMessage</c>.</summary>
    PromptMessages,

    /// <summary>A prompt: a <c>GetPromptResult</c>.</summary>
    PromptResult,
}

/// <summary>What the method returns around its result.</summary>
internal enum AwaitKind
{
    None,
    Task,
    ValueTask,
}
