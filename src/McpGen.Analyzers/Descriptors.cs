using Microsoft.CodeAnalysis;

namespace McpGen.Analyzers;

/// <summary>
/// Every McpGen diagnostic. Ids are stable; each has a page under docs/diagnostics/ (its helpLinkUri:
/// <see cref="HelpLinks.Base"/>, from the MSBuild property McpGenDiagnosticsHelpBaseUrl, + id + ".md") and a line in
/// AnalyzerReleases.Unshipped.md. Errors only where the server cannot work as written; messages say what to do next.
/// </summary>
internal static class Descriptors
{
    public const string Category = "McpGen";

    public static readonly DiagnosticDescriptor ServerClassNotPartial = Create(
        DiagnosticIds.ServerClassNotPartial,
        DiagnosticSeverity.Error,
        title: "MCP server class must be partial",
        messageFormat: "The [McpServer] class '{0}' must be declared partial so McpGen can generate its server code",
        description: "McpGen adds the generated dispatcher, schemas and binders to the server class itself, which needs every declaration of the class to be partial.");

    public static readonly DiagnosticDescriptor UnsupportedServerClass = Create(
        DiagnosticIds.UnsupportedServerClass,
        DiagnosticSeverity.Error,
        title: "MCP server class must be a non-generic, non-static class, nested only in partial non-generic types",
        messageFormat: "The [McpServer] class '{0}' is {1}; declare it as a non-generic, non-static partial class, at top level or nested only in non-generic partial types",
        description: "McpGen generates an IMcpServer implementation into the server class (and the partial types around it) and registers it with AddMcpServer<T>(); it cannot do that for generic or static classes, or inside a generic or non-partial type.");

    public static readonly DiagnosticDescriptor ConflictingSessionSettings = Create(
        DiagnosticIds.ConflictingSessionSettings,
        DiagnosticSeverity.Error,
        title: "Conflicting session settings on [McpServer]",
        messageFormat: "[McpServer] on '{0}' sets Stateless = {1} and Session = McpSessionMode.{2}, which disagree; keep only Session = McpSessionMode.{2}, or remove it",
        description: "Stateless = true means McpSessionMode.Stateless and Stateless = false means a session (McpSessionMode.Sticky unless Session says Store); setting both to disagreeing values leaves the mode ambiguous.");

    public static readonly DiagnosticDescriptor LegacySseNeedsSession = Create(
        DiagnosticIds.LegacySseNeedsSession,
        DiagnosticSeverity.Error,
        title: "Legacy HTTP+SSE transport on a stateless server",
        messageFormat: "[McpServer] on '{0}' sets LegacySse = true on a stateless server; the HTTP+SSE transport keeps a stream per client and needs Session = McpSessionMode.Sticky or McpSessionMode.Store",
        description: "The 2024-11-05 HTTP+SSE transport answers every POST on the client's GET /sse stream, so the server must know the client's session: a stateless server cannot serve it (and the endpoint refuses to start). Choose Store to let the message POST land on any replica.");

    public static readonly DiagnosticDescriptor ToolOutsideServer = Create(
        DiagnosticIds.ToolOutsideServer,
        DiagnosticSeverity.Warning,
        title: "[McpTool] method is not in an [McpServer] class",
        messageFormat: "'{0}' is marked [McpTool] but '{1}' has no [McpServer] attribute, so it is not exposed; add [McpServer] to '{1}' or move the method into a server class",
        description: "McpGen only exposes the tools of classes marked [McpServer].");

    public static readonly DiagnosticDescriptor GenericTool = Create(
        DiagnosticIds.GenericTool,
        DiagnosticSeverity.Error,
        title: "MCP tool method cannot be generic",
        messageFormat: "Tool method '{0}' is generic; a tool needs concrete parameter types for its JSON Schema, so remove the type parameters",
        description: "Tool arguments are described by a JSON Schema computed at compile time, which needs concrete types.");

    public static readonly DiagnosticDescriptor AsyncVoidTool = Create(
        DiagnosticIds.AsyncVoidTool,
        DiagnosticSeverity.Error,
        title: "MCP tool method cannot be async void",
        messageFormat: "Tool method '{0}' is async void, so its result and exceptions cannot be observed; return Task or Task<T>",
        description: "The dispatcher awaits the tool to write its result; an async void method cannot be awaited and its exceptions crash the process.");

    public static readonly DiagnosticDescriptor ByRefToolParameter = Create(
        DiagnosticIds.ByRefToolParameter,
        DiagnosticSeverity.Error,
        title: "MCP tool parameter cannot be ref, out, in or a pointer",
        messageFormat: "Parameter '{0}' of tool '{1}' is {2}; tool arguments are passed by value from JSON, so take a plain value parameter",
        description: "Tool arguments are read from the JSON request and passed by value.");

    public static readonly DiagnosticDescriptor InvalidToolName = Create(
        DiagnosticIds.InvalidToolName,
        DiagnosticSeverity.Error,
        title: "Invalid MCP tool name",
        messageFormat: "Tool name '{0}' is not valid; use 1 to 128 characters of A-Z, a-z, 0-9, '_', '-' and '.'",
        description: "MCP tool names must match ^[A-Za-z0-9_.-]{1,128}$ so every client can call them.");

    public static readonly DiagnosticDescriptor DuplicateToolName = Create(
        DiagnosticIds.DuplicateToolName,
        DiagnosticSeverity.Error,
        title: "Duplicate MCP tool name",
        messageFormat: "Server '{0}' already has a tool named '{1}' (method '{2}'); give this tool another name with [McpTool(\"...\")]",
        description: "Tool names are the keys clients call tools by, so they must be unique within a server. The first declaration keeps the name; every later one is reported.");

    public static readonly DiagnosticDescriptor MissingToolDescription = Create(
        DiagnosticIds.MissingToolDescription,
        DiagnosticSeverity.Info,
        title: "MCP tool has no description",
        messageFormat: "Tool '{0}' has no description; add an XML <summary> or a [Description] attribute so the model knows when to call it",
        description: "The description is what a model reads to decide whether and how to call a tool.");

    public static readonly DiagnosticDescriptor UnsupportedParameterType = Create(
        DiagnosticIds.UnsupportedParameterType,
        DiagnosticSeverity.Error,
        title: "MCP tool parameter type has no JSON Schema mapping",
        messageFormat: "Parameter '{0}' of tool '{1}' has type '{2}', which has no JSON Schema mapping{3}; use a JSON-friendly type (string, number, bool, enum, date/time, Guid, Uri, a collection, a dictionary with string keys, or a class or record)",
        description: "Every JSON argument of a tool is described by a JSON Schema computed at compile time; this type cannot be described or read from JSON.");

    public static readonly DiagnosticDescriptor TypeMissingFromJsonContext = Create(
        DiagnosticIds.TypeMissingFromJsonContext,
        DiagnosticSeverity.Warning,
        title: "Tool type is missing from every JsonSerializerContext",
        messageFormat: "{0} of tool '{1}' is serialized through a JsonSerializerContext, but no context in the compilation has [JsonSerializable(typeof({2}))]; add it to your context, or it fails when trimmed or compiled ahead of time",
        description: "Generated tool code reads and writes complex types only through JsonTypeInfo from the user's JsonSerializerContext (generators cannot feed each other), so every such type must be registered there.");

    public static readonly DiagnosticDescriptor SessionRequiredOnStatelessServer = Create(
        DiagnosticIds.SessionRequiredOnStatelessServer,
        DiagnosticSeverity.Error,
        title: "Tool of a stateless server needs an MCP session",
        messageFormat: "Tool '{0}' needs an MCP session for {1} (through '{2}'), which stateless server '{3}' cannot provide; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer]",
        description: "Server-to-client requests and notifications (sampling, elicitation, roots, ping, list-changed, subscriptions, the GET stream, resumability, legacy HTTP+SSE) need somewhere to send them and to receive the answer; a stateless endpoint has neither.");

    public static readonly DiagnosticDescriptor ClientInputOnStatelessServer = Create(
        DiagnosticIds.ClientInputOnStatelessServer,
        DiagnosticSeverity.Warning,
        title: "Client input on a stateless server works only for 2026-07-28 clients",
        messageFormat: "Tool '{0}' asks the client for input ({1}, through '{2}'); on stateless server '{3}' only 2026-07-28 clients can complete it, initialize-era clients cannot; set Session = McpSessionMode.Store or Session = McpSessionMode.Sticky on [McpServer] to serve them too",
        description: "Multi round-trip requests (input_required) are stateless for 2026-07-28 clients; initialize-era clients receive input requests only on the SSE stream of a session.");

    public static readonly DiagnosticDescriptor InvalidResource = Create(
        DiagnosticIds.InvalidResource,
        DiagnosticSeverity.Error,
        title: "MCP resource cannot be served as declared",
        messageFormat: "Resource '{0}' (method '{1}') cannot be served: {2}",
        description: "The generator serves RFC 6570 level-1 URI templates ({var}) with reserved expansion ({+var}), binds each variable to the parameter of the same name (string, int, long, double, bool, Guid or an enum), and leaves out any resource whose template, parameters or return type it cannot handle.");

    public static readonly DiagnosticDescriptor NonStringPromptParameter = Create(
        DiagnosticIds.NonStringPromptParameter,
        DiagnosticSeverity.Error,
        title: "MCP prompt parameter must be a string",
        messageFormat: "Parameter '{0}' of prompt '{1}' is {2}, but prompt arguments are strings on the wire; take a string (string? or a default value makes it optional) and convert it in the method, or take a special value or a service",
        description: "prompts/get sends every argument as a string. The generator binds string parameters to arguments, special values (CancellationToken, McpRequestContext, HttpContext...) and services from DI, and leaves out a prompt with any other parameter.");

    public static readonly DiagnosticDescriptor InvalidCompletion = Create(
        DiagnosticIds.InvalidCompletion,
        DiagnosticSeverity.Error,
        title: "MCP completion cannot be served as declared",
        messageFormat: "Completion method '{0}' cannot be served: {1}",
        description: "A completion method names exactly one prompt (Prompt) or resource template (ResourceTemplate) of its own server and one of its arguments or variables (Argument), takes the partial value as a string, and returns IEnumerable<string> (or a task of it). The generator leaves out any other, and every completion of a target claimed twice.");

    public static readonly DiagnosticDescriptor SubscribableResourceOnStatelessServer = Create(
        DiagnosticIds.SubscribableResourceOnStatelessServer,
        DiagnosticSeverity.Warning,
        title: "Subscribable resource on a stateless server",
        messageFormat: "Resource '{0}' is subscribable, but stateless server '{1}' cannot deliver its updates to initialize-era clients (they need a session's GET stream), and its subscriptions/listen streams hear other replicas' changes only through a shared backplane; set Session = McpSessionMode.Store (any replica) or Session = McpSessionMode.Sticky (load-balancer affinity) on [McpServer], or remove Subscribable = true",
        description: "notifications/resources/updated is sent on a stream that outlives the request: the GET stream of a session, or a subscriptions/listen stream. A stateless endpoint holds neither, so clients can subscribe but never hear of a change.");

    public static readonly DiagnosticDescriptor DuplicateResourceOrPrompt = Create(
        DiagnosticIds.DuplicateResourceOrPrompt,
        DiagnosticSeverity.Error,
        title: "Duplicate MCP resource URI or prompt name",
        messageFormat: "Server '{0}' already has {1} '{2}' (method '{3}'); the generator leaves out both, so give this one another {4}",
        description: "Clients read resources by URI (or template) and get prompts by name, so both must be unique within a server. The first declaration is the reference; every later one is reported; the generator leaves out all of them until it is resolved.");

    public static readonly DiagnosticDescriptor InvalidElicitationForm = Create(
        DiagnosticIds.InvalidElicitationForm,
        DiagnosticSeverity.Error,
        title: "Elicitation form type cannot be generated",
        messageFormat: "The [McpElicitationForm] type '{0}' {1}; declare it as a non-generic, non-abstract partial class or record (nested only in partial non-generic types) with a parameterless or primary constructor",
        description: "McpGen implements IMcpElicitationForm<T> inside the form type (so it must be partial, and so must the types around it) and creates the submitted form itself (through a parameterless constructor with settable properties, or a record's primary constructor). The generator leaves out any other form, and ElicitAsync<T> then does not compile.");

    public static readonly DiagnosticDescriptor UnsupportedElicitationField = Create(
        DiagnosticIds.UnsupportedElicitationField,
        DiagnosticSeverity.Error,
        title: "Elicitation form field cannot be generated",
        messageFormat: "Field '{0}' of elicitation form '{1}' {2}",
        description: "An elicitation form is a flat object of primitives, as the MCP specification requires: string (with formats for Uri, DateTime, DateTimeOffset and DateOnly), integers, floating-point numbers, bool, enums (single-select) and arrays or lists of an enum (multi-select). Nested objects, other collections and dictionaries cannot be asked for; a default must fit the field's type; JSON names must be unique. The generator leaves out a form with any such field.");

    public static readonly DiagnosticDescriptor InvalidIcon = Create(
        DiagnosticIds.InvalidIcon,
        DiagnosticSeverity.Error,
        title: "Invalid MCP icon",
        messageFormat: "The [McpIcon] on '{0}' is left out: {1}",
        description: "Icons are listed for clients to fetch and show. Clients must refuse sources other than https: URLs and data: URIs with base64 image data, sizes are WxH or 'any', and the MIME type names an image; the generator leaves out any icon that breaks these rules.");

    public static readonly DiagnosticDescriptor InvalidMeta = Create(
        DiagnosticIds.InvalidMeta,
        DiagnosticSeverity.Error,
        title: "Invalid MCP _meta entry",
        messageFormat: "The [McpMeta] on '{0}' is left out: {1}",
        description: "A _meta key is an optional reverse-DNS prefix ending in '/' and a name; prefixes whose second label is 'modelcontextprotocol' or 'mcp' belong to the specification. The value is JSON text. The generator leaves out an entry with an invalid key or value, and every repeat of a key.");

    public static readonly DiagnosticDescriptor InvalidSchemaKeywords = Create(
        DiagnosticIds.InvalidSchemaKeywords,
        DiagnosticSeverity.Error,
        title: "Invalid JSON Schema keywords",
        messageFormat: "The [McpSchema] on '{0}' is left out: {1}",
        description: "[McpSchema] adds JSON Schema keywords to a generated schema: a JSON object of keywords, without the ones the C# type decides (type, properties, required, items, prefixItems, enum, $ref, $defs) or [McpHeader] decides (x-mcp-header), and with $schema only on a tool method. The generator leaves out keywords it cannot add.");

    public static readonly DiagnosticDescriptor InvalidHeaderParameter = Create(
        DiagnosticIds.InvalidHeaderParameter,
        DiagnosticSeverity.Error,
        title: "Invalid MCP header parameter",
        messageFormat: "[McpHeader] on parameter '{0}' of '{1}' is left out: {2}",
        description: "x-mcp-header mirrors a tool argument into an Mcp-Param-{Name} header: the name must be an HTTP token unique in the tool regardless of case, and the argument a string, a boolean, an integer up to 32 bits or a value read from a JSON string. Clients drop a whole tool whose x-mcp-header breaks these rules, so the generator leaves the header out.");

    public static readonly DiagnosticDescriptor NotAService = Create(
        DiagnosticIds.NotAService,
        DiagnosticSeverity.Error,
        title: "Handler parameter is neither an argument nor a service",
        messageFormat: "Parameter '{0}' of {1} has type '{2}', which McpGen does not resolve from dependency injection by convention: {3}; if your app registers it as a service, mark the parameter [FromServices]",
        description: "Interfaces and abstract classes that are not collections are services by convention, except IProgress<T> (progress is IProgress<McpProgress>), Stream, TextReader and TextWriter, enumerators and async streams, and the types of the System namespace other than TimeProvider. Such a parameter would only fail at call time; the generator leaves the handler out.");

    public static readonly DiagnosticDescriptor SpecialParameterNotSupported = Create(
        DiagnosticIds.SpecialParameterNotSupported,
        DiagnosticSeverity.Error,
        title: "Special parameter not supported on this handler kind",
        messageFormat: "Parameter '{0}' of {1} is {2}, which {3} cannot receive: {4}",
        description: "Tools, resources and prompts receive CancellationToken, HttpContext, ClaimsPrincipal, IServiceProvider, McpRequestContext and IProgress<McpProgress>; completions all of them but IProgress<McpProgress> (a completion answer is plain JSON, with no stream to report progress on), plus McpCompletionContext, which only completions receive. The server constructor is resolved from dependency injection and takes only services. The generator leaves out a handler (or server) with any other special parameter.");

    public static readonly DiagnosticDescriptor ClientInputInCompletion = Create(
        DiagnosticIds.ClientInputInCompletion,
        DiagnosticSeverity.Error,
        title: "Completion asks the client for input",
        messageFormat: "Completion method '{0}' asks the client for input ({1}, through '{2}'), but MCP allows client input only while answering tools/call, resources/read and prompts/get; completion/complete must answer at once, so ask in the tool, resource or prompt instead",
        description: "Elicitation, sampling and roots requests travel on the SSE stream of a tools/call, resources/read or prompts/get request (initialize era) or through multi round-trip input_required results, which 2026-07-28 defines only for those methods. A completion/complete answer is always plain JSON, so the call fails in every era and session mode.");

    public static readonly DiagnosticDescriptor AnonymousWithRequirements = Create(
        DiagnosticIds.AnonymousWithRequirements,
        DiagnosticSeverity.Error,
        title: "[AllowAnonymous] together with [Authorize] or [McpScope] on the same handler",
        messageFormat: "{0} has [AllowAnonymous] and {1}; [AllowAnonymous] wins and lifts {1}, so anyone may use it: remove [AllowAnonymous] to require {1}, or remove {1} to keep it public",
        description: "As on ASP.NET Core endpoints, [AllowAnonymous] anywhere on a handler (on its method or on the server class) lifts every [Authorize] and [McpScope] that would apply to it. Written together on the same handler or class they contradict each other, and the handler would be public although it looks protected.");

    public static readonly DiagnosticDescriptor InvalidScope = Create(
        DiagnosticIds.InvalidScope,
        DiagnosticSeverity.Error,
        title: "[McpScope] scope that is not an OAuth scope token",
        messageFormat: "[McpScope] on '{0}' {1}; a scope is one non-empty OAuth scope token (printable ASCII without spaces, '\"' or '\\', such as \"notes:write\"): pass each scope as its own argument",
        description: "OAuth 2.0 (RFC 6749, section 3.3) sends scopes as one space-separated list, so a scope can never contain a space, and an empty scope cannot be granted. A handler that requires such a scope could never be called; the build refuses it.");

    public static readonly DiagnosticDescriptor AuthorizationOnCompletion = Create(
        DiagnosticIds.AuthorizationOnCompletion,
        DiagnosticSeverity.Warning,
        title: "Authorization attribute on an [McpCompletion] method has no effect",
        messageFormat: "{0} on completion method '{1}' has no effect: a completion is allowed to exactly the callers of the prompt or resource template it completes; put the attribute on that handler instead",
        description: "completion/complete is authorized by the handler it completes (its prompt or resource template), so callers never get suggestions for arguments of a handler they may not use. Attributes on the completion method itself are not read.");

    public static readonly DiagnosticDescriptor TaskToolTakesHttpContext = Create(
        DiagnosticIds.TaskToolTakesHttpContext,
        DiagnosticSeverity.Warning,
        title: "Task tool takes the request's HttpContext",
        messageFormat: "Tool '{0}' may run as a task, which outlives its request: parameter '{1}' gets a detached HttpContext with only the caller's User and a service scope of its own, not the request's headers, connection or features; take ClaimsPrincipal, services or McpRequestContext instead",
        description: "A call that becomes a task returns its task handle at once and runs on after the HTTP request ended. The handler then cannot use the request: McpGen gives it a detached HttpContext holding the caller's principal and a new service scope. Read what the tool needs from the request through its arguments, the principal or services.");

    public static readonly DiagnosticDescriptor RerunnableWithoutTask = Create(
        DiagnosticIds.RerunnableWithoutTask,
        DiagnosticSeverity.Warning,
        title: "Rerunnable on a tool that is never a task",
        messageFormat: "Rerunnable = true on tool '{0}' has no effect: it only matters for tasks; set Task = McpTaskSupport.Optional or Required, or remove Rerunnable",
        description: "Rerunnable says what happens to a task whose worker replica was lost: it runs again from the start instead of ending failed. A tool whose calls never become tasks (Task = McpTaskSupport.Forbidden, the default) has no such tasks.");

    private static DiagnosticDescriptor Create(string id, DiagnosticSeverity severity, string title, string messageFormat, string description)
        => new(id, title, messageFormat, Category, severity, isEnabledByDefault: true, description, HelpLinks.Base + id + ".md");
}
