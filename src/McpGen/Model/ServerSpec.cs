namespace McpGen.Generator.Model;

// Every spec below is an incremental-pipeline value: it must be immutable and have structural equality, so it
// holds only strings, bools, enums, other specs and EquatableArray<T>. No ISymbol, SyntaxNode, Location, SemanticModel
// or Compilation may be stored here: they would root old compilations and defeat caching (a test walks the outputs).

/// <summary>One <c>[McpServer]</c> class, everything the emitter needs and nothing else (see the file comment).</summary>
/// <param name="HintName">The stable hint name of the generated file.</param>
/// <param name="Namespace">The containing namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">The partial types the class is nested in, outermost first.</param>
/// <param name="Declaration">The partial declaration of the class itself.</param>
/// <param name="TypeName">The <c>global::</c>-qualified name of the class.</param>
/// <param name="Name">The server name.</param>
/// <param name="Version">The server version.</param>
/// <param name="Title">The server title, if any.</param>
/// <param name="Instructions">The instructions, if any.</param>
/// <param name="SessionMode">The session mode.</param>
/// <param name="Constructor">The services passed to the constructor of the instance (empty for static-only servers).</param>
/// <param name="Dispose">How an instance is disposed after a call.</param>
/// <param name="Tools">The tools, ordered by name (ordinal).</param>
/// <param name="Resources">The resources: fixed URIs by URI (ordinal), then templates by template (ordinal).</param>
/// <param name="Prompts">The prompts, ordered by name (ordinal).</param>
/// <param name="Completions">The completion methods, ordered by target and argument (ordinal).</param>
/// <param name="IconsJson">The server's <c>icons</c> array as JSON text (<c>[McpIcon]</c> on the class), or <see langword="null"/>.</param>
/// <param name="LegacySse">Whether the HTTP+SSE transport (2024-11-05) is served too.</param>
/// <param name="Requirements">
/// What the constructor and the handlers need from the application (required services, JSON types), in emission order:
/// the constructor, then tools, resources, prompts and completions as ordered above; checked by <c>MapMcp</c> at startup.
/// </param>
internal sealed record ServerSpec(
    string HintName,
    string Namespace,
    EquatableArray<TypeDeclarationSpec> ContainingTypes,
    TypeDeclarationSpec Declaration,
    string TypeName,
    string Name,
    string Version,
    string? Title,
    string? Instructions,
    SessionModeSpec SessionMode,
    EquatableArray<ServiceSpec> Constructor,
    DisposeKind Dispose,
    EquatableArray<ToolSpec> Tools,
    EquatableArray<ResourceSpec> Resources,
    EquatableArray<PromptSpec> Prompts,
    EquatableArray<CompletionSpec> Completions,
    string? IconsJson = null,
    bool LegacySse = false,
    EquatableArray<RequirementSpec> Requirements = default);

// The resource, prompt and completion specs live in this file because McpGen.Analyzers links it (and not new files).

/// <summary>One <c>[McpResource]</c> method: a fixed URI or an RFC 6570 level-1 template (equatable; see the file comment).</summary>
/// <param name="Uri">The fixed URI, or the URI template exactly as declared.</param>
/// <param name="IsTemplate">Whether <paramref name="Uri"/> is a template.</param>
/// <param name="Identifier">A C# identifier unique among the server's resources, derived from the name.</param>
/// <param name="MethodName">The method name as written in C# (escaped if a keyword).</param>
/// <param name="IsStatic">Whether the method is static.</param>
/// <param name="Json">The <c>Resource</c> (or <c>ResourceTemplate</c>) object as JSON text.</param>
/// <param name="MimeType">The declared MIME type, if any.</param>
/// <param name="Subscribable">Whether clients may subscribe to updates.</param>
/// <param name="Order">The declaration order among the server's resources (templates are tried in this order).</param>
/// <param name="Template">The template split into literals and variables (empty for a fixed URI).</param>
/// <param name="Parameters">The method parameters, in declaration order.</param>
/// <param name="Return">How the contents are written.</param>
/// <param name="Requirements">The required services of the parameters.</param>
/// <param name="Authorization">Who may read the resource, or <see langword="null"/> when anyone may.</param>
internal sealed record ResourceSpec(
    string Uri,
    bool IsTemplate,
    string Identifier,
    string MethodName,
    bool IsStatic,
    string Json,
    string? MimeType,
    bool Subscribable,
    int Order,
    EquatableArray<UriTemplatePartSpec> Template,
    EquatableArray<ParameterSpec> Parameters,
    ReturnSpec Return,
    EquatableArray<RequirementSpec> Requirements = default,
    AuthorizationSpec? Authorization = null);

/// <summary>A literal run of a URI template, or a <c>{var}</c> (<c>{+var}</c> when <paramref name="Reserved"/>) expression.</summary>
/// <param name="Text">The literal text, or the variable name.</param>
/// <param name="IsVariable">Whether this is an expression.</param>
/// <param name="Reserved">For a variable: reserved expansion, whose value may contain <c>/</c>.</param>
internal readonly record struct UriTemplatePartSpec(string Text, bool IsVariable, bool Reserved);

/// <summary>One <c>[McpPrompt]</c> method (equatable; see the file comment).</summary>
/// <param name="Name">The prompt name.</param>
/// <param name="Identifier">A C# identifier unique among the server's prompts.</param>
/// <param name="MethodName">The method name as written in C#.</param>
/// <param name="IsStatic">Whether the method is static.</param>
/// <param name="Json">The <c>Prompt</c> object as JSON text.</param>
/// <param name="Parameters">The method parameters; the prompt arguments are the <see cref="ParameterSource.Json"/> strings.</param>
/// <param name="Return">How the messages are written.</param>
/// <param name="Requirements">The required services of the parameters.</param>
/// <param name="Authorization">Who may get the prompt, or <see langword="null"/> when anyone may.</param>
internal sealed record PromptSpec(
    string Name,
    string Identifier,
    string MethodName,
    bool IsStatic,
    string Json,
    EquatableArray<ParameterSpec> Parameters,
    ReturnSpec Return,
    EquatableArray<RequirementSpec> Requirements = default,
    AuthorizationSpec? Authorization = null);

/// <summary>
/// Who may use one handler: the <c>[Authorize]</c> attributes of the server class (and its base classes) and of the
/// handler method, and the scopes of their <c>[McpScope]</c> attributes (equatable; see the file comment). A handler with
/// <c>[AllowAnonymous]</c> (on it or on the class), or with none of these, has no spec at all.
/// </summary>
/// <param name="Rules">The <c>[Authorize]</c> attributes, class first, in declaration order.</param>
/// <param name="Scopes">The required scopes, class first, without repeats.</param>
internal sealed record AuthorizationSpec(EquatableArray<AuthorizeSpec> Rules, EquatableArray<string> Scopes);

/// <summary>One <c>[Authorize]</c>: its <c>Policy</c>, <c>Roles</c> and <c>AuthenticationSchemes</c> (each may be absent).</summary>
internal readonly record struct AuthorizeSpec(string? Policy, string? Roles, string? Schemes);

/// <summary>One <c>[McpCompletion]</c> attribute of a method (equatable; see the file comment).</summary>
/// <param name="IsPrompt">Whether it completes a prompt argument (else a resource template variable).</param>
/// <param name="Target">The prompt name, or the resource template exactly as declared.</param>
/// <param name="Argument">The argument or variable name.</param>
/// <param name="Identifier">A C# identifier unique among the server's completions.</param>
/// <param name="MethodName">The method name as written in C#.</param>
/// <param name="IsStatic">Whether the method is static.</param>
/// <param name="Parameters">The method parameters, in declaration order.</param>
/// <param name="Await">Whether the method returns a task of the values.</param>
/// <param name="ResultTypeName">The values type (the <c>T</c> of <c>Task&lt;T&gt;</c>), <c>global::</c>-qualified.</param>
/// <param name="Requirements">The required services of the parameters.</param>
internal sealed record CompletionSpec(
    bool IsPrompt,
    string Target,
    string Argument,
    string Identifier,
    string MethodName,
    bool IsStatic,
    EquatableArray<ParameterSpec> Parameters,
    AwaitKind Await,
    string ResultTypeName,
    EquatableArray<RequirementSpec> Requirements = default);

/// <summary>A partial type declaration header, such as <c>partial record</c> + <c>Outer</c>.</summary>
internal readonly record struct TypeDeclarationSpec(string Keyword, string Name);

/// <summary>The server's session mode, mirroring <c>McpGen.McpSessionMode</c>.</summary>
internal enum SessionModeSpec
{
    Stateless,
    Sticky,
    Store,
}

/// <summary>How a server instance is disposed after each call.</summary>
internal enum DisposeKind
{
    None,
    Disposable,
    AsyncDisposable,
}

/// <summary>A value resolved from dependency injection (a constructor parameter or a service parameter).</summary>
/// <param name="TypeName">The service type, <c>global::</c>-qualified, without a nullable annotation.</param>
/// <param name="Optional">Resolved with <c>GetService</c> (may be absent) rather than <c>GetRequiredService</c>.</param>
/// <param name="KeyLiteral">The C# literal of the service key, for keyed services.</param>
/// <param name="NullForgiving">Whether an optional lookup feeds a non-nullable parameter (a default of <c>null</c>).</param>
internal sealed record ServiceSpec(string TypeName, bool Optional, string? KeyLiteral, bool NullForgiving);

/// <summary>The kind of handler a requirement belongs to, mirroring <c>McpGen.McpHandlerKind</c>.</summary>
internal enum HandlerKindSpec
{
    Server,
    Tool,
    Resource,
    Prompt,
    Completion,
}

/// <summary>What a requirement asks for, mirroring <c>McpGen.McpRequirementKind</c>.</summary>
internal enum RequirementKindSpec
{
    Service,
    KeyedService,
    Json,
}

/// <summary>
/// One thing a handler needs from the application, emitted as a <c>McpGen.McpHandlerRequirement</c> and checked by
/// <c>MapMcp</c> at startup (equatable; see the file comment).
/// </summary>
/// <param name="Handler">The kind of handler.</param>
/// <param name="HandlerName">The tool or prompt name, the resource URI, the completion method or the server class.</param>
/// <param name="ParameterName">The parameter, or <see langword="null"/> for a tool's result.</param>
/// <param name="TypeDisplay">The type as C# shows it without namespaces (<c>List&lt;string&gt;</c>).</param>
/// <param name="TypeOfName">The looked-up type, <c>global::</c>-qualified, valid inside <c>typeof(...)</c>.</param>
/// <param name="Kind">What is required.</param>
/// <param name="KeyLiteral">The C# literal of the key of a keyed service.</param>
internal sealed record RequirementSpec(
    HandlerKindSpec Handler,
    string HandlerName,
    string? ParameterName,
    string TypeDisplay,
    string TypeOfName,
    RequirementKindSpec Kind,
    string? KeyLiteral);
