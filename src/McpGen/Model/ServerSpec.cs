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
    EquatableArray<ToolSpec> Tools);

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
