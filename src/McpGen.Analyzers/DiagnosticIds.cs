namespace McpGen.Analyzers;

/// <summary>
/// The ids of every McpGen diagnostic, as constants. Linked into McpGen.CodeFixes (which cannot reference this
/// assembly's internals), so the fixers and the analyzers can never disagree about an id.
/// </summary>
internal static class DiagnosticIds
{
    public const string ServerClassNotPartial = "MCPG0001";
    public const string UnsupportedServerClass = "MCPG0002";
    public const string ConflictingSessionSettings = "MCPG0003";
    public const string LegacySseNeedsSession = "MCPG0040";
    public const string ToolOutsideServer = "MCPG0004";
    public const string GenericTool = "MCPG0005";
    public const string AsyncVoidTool = "MCPG0006";
    public const string ByRefToolParameter = "MCPG0007";
    public const string InvalidToolName = "MCPG0008";
    public const string DuplicateToolName = "MCPG0009";
    public const string MissingToolDescription = "MCPG0010";
    public const string UnsupportedParameterType = "MCPG0011";
    public const string TypeMissingFromJsonContext = "MCPG0012";
    public const string SessionRequiredOnStatelessServer = "MCPG0013";
    public const string ClientInputOnStatelessServer = "MCPG0014";
    public const string InvalidResource = "MCPG0015";
    public const string NonStringPromptParameter = "MCPG0016";
    public const string InvalidCompletion = "MCPG0017";
    public const string SubscribableResourceOnStatelessServer = "MCPG0018";
    public const string DuplicateResourceOrPrompt = "MCPG0019";
    public const string InvalidElicitationForm = "MCPG0020";
    public const string UnsupportedElicitationField = "MCPG0021";

    // MCPG0020-MCPG0029: reserved for the elicitation form types.
    public const string InvalidIcon = "MCPG0030";
    public const string InvalidMeta = "MCPG0031";
    public const string InvalidSchemaKeywords = "MCPG0032";
    public const string InvalidHeaderParameter = "MCPG0033";

    // MCPG0050-MCPG0059: how handler parameters are bound, per handler kind.
    public const string NotAService = "MCPG0050";
    public const string SpecialParameterNotSupported = "MCPG0051";
    public const string ClientInputInCompletion = "MCPG0052";
    public const string AnonymousWithRequirements = "MCPG0060";
    public const string InvalidScope = "MCPG0061";
    public const string AuthorizationOnCompletion = "MCPG0062";

    // MCPG0070-MCPG0079: task tools (the Tasks extension).
    public const string TaskToolTakesHttpContext = "MCPG0070";
    public const string RerunnableWithoutTask = "MCPG0071";

    /// <summary>Property of an MCPG0012 diagnostic: the type to register, fully qualified (<c>global::...</c>).</summary>
    public const string TypeNameProperty = "TypeName";

    /// <summary>Property of an MCPG0012 diagnostic: the type to register, as C# shows it (<c>List&lt;Day&gt;</c>).</summary>
    public const string TypeDisplayProperty = "TypeDisplay";

    /// <summary>Property of an MCPG0009 diagnostic: the duplicated tool name.</summary>
    public const string ToolNameProperty = "ToolName";

    /// <summary>Property of an MCPG0009 diagnostic: the metadata name of the server (the duplicate may be inherited).</summary>
    public const string ServerTypeProperty = "ServerType";
}
