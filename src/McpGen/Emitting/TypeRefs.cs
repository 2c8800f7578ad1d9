namespace McpGen.Generator.Emitting;

/// <summary>The <c>global::</c>-qualified names the generated code refers to.</summary>
internal static class TypeRefs
{
    public const string IMcpServer = "global::McpGen.IMcpServer";
    public const string ServerDefinition = "global::McpGen.McpServerDefinition";
    public const string ToolDefinition = "global::McpGen.McpToolDefinition";
    public const string TaskSupport = "global::McpGen.McpTaskSupport";
    public const string ToolHeader = "global::McpGen.McpToolHeader";
    public const string Authorization = "global::McpGen.McpAuthorization";
    public const string AuthorizeData = "global::Microsoft.AspNetCore.Authorization.IAuthorizeData";
    public const string AuthorizeAttribute = "global::Microsoft.AspNetCore.Authorization.AuthorizeAttribute";
    public const string ResourceDefinition = "global::McpGen.McpResourceDefinition";
    public const string PromptDefinition = "global::McpGen.McpPromptDefinition";
    public const string CompletionHandler = "global::McpGen.McpCompletionHandler";
    public const string CompletionContext = "global::McpGen.McpCompletionContext";
    public const string ToolException = "global::McpGen.McpToolException";
    public const string StringSequence = "global::System.Collections.Generic.IEnumerable<string>";
    public const string CancellationToken = "global::System.Threading.CancellationToken";
    public const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";
    public const string NumberStyles = "global::System.Globalization.NumberStyles";
    public const string Ordinal = "global::System.StringComparison.Ordinal";
    public const string HandlerFeatures = "global::McpGen.McpHandlerFeatures";
    public const string SessionMode = "global::McpGen.McpSessionMode";
    public const string HandlerContext = "global::McpGen.McpHandlerContext";
    public const string HandlerRequirement = "global::McpGen.McpHandlerRequirement";
    public const string HandlerKind = "global::McpGen.McpHandlerKind";
    public const string RequirementKind = "global::McpGen.McpRequirementKind";
    public const string ArgumentReader = "global::McpGen.McpArgumentReader";
    public const string Json = "global::McpGen.McpJson";
    public const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    public const string GeneratedCode = "global::System.CodeDom.Compiler.GeneratedCode";
    public const string Disposable = "global::System.IDisposable";
    public const string AsyncDisposable = "global::System.IAsyncDisposable";
    public const string ServiceExtensions = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions";
    public const string KeyedServiceExtensions = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions";
}
