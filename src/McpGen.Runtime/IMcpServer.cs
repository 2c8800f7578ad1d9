namespace McpGen;

/// <summary>
/// Implemented by the McpGen source generator on every <see cref="McpServerAttribute"/> class. User code does not
/// implement it: if <c>AddMcpServer&lt;T&gt;()</c> reports that <c>T</c> does not implement this interface, the class is
/// missing <c>partial</c> or <c>[McpServer]</c> (the analyzers say which).
/// </summary>
public interface IMcpServer
{
    /// <summary>The compile-time description of the server: its tools, their schemas and their invokers.</summary>
    static abstract McpServerDefinition Definition { get; }
}
