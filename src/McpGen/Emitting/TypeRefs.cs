namespace McpGen.Generator.Emitting;

/// <summary>The <c>global::</c>-qualified names the generated code refers to.</summary>
internal static class TypeRefs
{
    public const string IMcpServer = "global::McpGen.IMcpServer";
    public const string ServerDefinition = "global::McpGen.McpServerDefinition";
    public const string ToolDefinition = "global::McpGen.McpToolDefinition";
    public const string ToolFeatures = "global::McpGen.McpToolFeatures";
    public const string SessionMode = "global::McpGen.McpSessionMode";
    public const string ToolContext = "global::McpGen.McpToolContext";
    public const string ArgumentReader = "global::McpGen.McpArgumentReader";
    public const string Json = "global::McpGen.McpJson";
    public const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    public const string GeneratedCode = "global::System.CodeDom.Compiler.GeneratedCode";
    public const string Disposable = "global::System.IDisposable";
    public const string AsyncDisposable = "global::System.IAsyncDisposable";
    public const string ServiceExtensions = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions";
    public const string KeyedServiceExtensions = "global::Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions";
}
