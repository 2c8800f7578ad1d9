using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>
/// The McpGen and framework symbols the analyzers look for, resolved once per compilation. <see cref="Create"/> returns
/// <see langword="null"/> when the compilation does not reference McpGen.Runtime, so the analyzers cost nothing there.
/// </summary>
internal sealed class McpSymbols
{
    public const string ServerAttributeName = "McpGen.McpServerAttribute";
    public const string ToolAttributeName = "McpGen.McpToolAttribute";
    public const string ResourceAttributeName = "McpGen.McpResourceAttribute";
    public const string PromptAttributeName = "McpGen.McpPromptAttribute";
    public const string CompletionAttributeName = "McpGen.McpCompletionAttribute";
    public const string RequiresSessionAttributeName = "McpGen.RequiresMcpSessionAttribute";
    public const string RequiresClientInputAttributeName = "McpGen.RequiresMcpClientInputAttribute";

    private readonly ConcurrentDictionary<INamedTypeSymbol, ServerSettings?> _servers = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<INamedTypeSymbol>> _serversOfMethod = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);
    private readonly Lazy<ImmutableArray<INamedTypeSymbol>> _sourceServers;

    private McpSymbols(Compilation compilation, INamedTypeSymbol serverAttribute, INamedTypeSymbol toolAttribute)
    {
        Compilation = compilation;
        _sourceServers = new Lazy<ImmutableArray<INamedTypeSymbol>>(FindSourceServers, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
        ServerAttribute = serverAttribute;
        ToolAttribute = toolAttribute;
        ResourceAttribute = compilation.GetTypeByMetadataName(ResourceAttributeName);
        PromptAttribute = compilation.GetTypeByMetadataName(PromptAttributeName);
        CompletionAttribute = compilation.GetTypeByMetadataName(CompletionAttributeName);
        RequiresSession = compilation.GetTypeByMetadataName(RequiresSessionAttributeName);
        RequiresClientInput = compilation.GetTypeByMetadataName(RequiresClientInputAttributeName);
        DescriptionAttribute = compilation.GetTypeByMetadataName("System.ComponentModel.DescriptionAttribute");
        JsonSerializerContext = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializerContext");
        JsonSerializableAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializableAttribute");
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol ServerAttribute { get; }

    public INamedTypeSymbol ToolAttribute { get; }

    public INamedTypeSymbol? ResourceAttribute { get; }

    public INamedTypeSymbol? PromptAttribute { get; }

    public INamedTypeSymbol? CompletionAttribute { get; }

    public INamedTypeSymbol? RequiresSession { get; }

    public INamedTypeSymbol? RequiresClientInput { get; }

    public INamedTypeSymbol? DescriptionAttribute { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? JsonSerializableAttribute { get; }

    public static McpSymbols? Create(Compilation compilation)
    {
        INamedTypeSymbol? server = compilation.GetTypeByMetadataName(ServerAttributeName);
        INamedTypeSymbol? tool = compilation.GetTypeByMetadataName(ToolAttributeName);
        return server is null || tool is null ? null : new McpSymbols(compilation, server, tool);
    }

    public static AttributeData? FindAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
    {
        if (attribute is null)
        {
            return null;
        }

        foreach (AttributeData data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                return data;
            }
        }

        return null;
    }

    public AttributeData? ServerAttributeOf(INamedTypeSymbol type) => FindAttribute(type, ServerAttribute);

    public AttributeData? ToolAttributeOf(IMethodSymbol method) => FindAttribute(method, ToolAttribute);

    /// <summary>The session settings of an [McpServer] class, or <see langword="null"/> when the type is not one.</summary>
    public ServerSettings? ServerSettingsOf(INamedTypeSymbol type)
        => _servers.GetOrAdd(type, t => ServerAttributeOf(t) is { } data ? ServerSettings.Read(data) : null);

    /// <summary>The [McpTool] methods of a type, in declaration order (source file, then position).</summary>
    public ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> ToolsOf(INamedTypeSymbol type)
        => MethodsWith(type, ToolAttribute);

    /// <summary>
    /// The MCP methods of a server carrying <paramref name="attribute"/> (the first one each), own and inherited ones
    /// alike (<see cref="McpMembers.Of"/>, the generator's rule), in declaration order (source file, then position).
    /// </summary>
    public static ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> MethodsWith(INamedTypeSymbol type, INamedTypeSymbol? attribute)
        => attribute is null
            ? ImmutableArray<(IMethodSymbol, AttributeData)>.Empty
            : McpMembers.Of(type)
                .Select(m => (Method: m, Attribute: FindAttribute(m, attribute)!))
                .Where(t => t.Attribute is not null)
                .OrderBy(t => t.Method.Locations.FirstOrDefault()?.SourceTree?.FilePath, System.StringComparer.Ordinal)
                .ThenBy(t => t.Method.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0)
                .ToImmutableArray();

    /// <summary>
    /// The [McpServer] classes of this compilation that expose <paramref name="method"/>: its own class when that is a
    /// server, and every server deriving from it that inherits the method (<see cref="McpMembers.Of"/>), by name (ordinal).
    /// </summary>
    public ImmutableArray<INamedTypeSymbol> ServersOf(IMethodSymbol method)
        => _serversOfMethod.GetOrAdd(method.OriginalDefinition, m =>
        {
            INamedTypeSymbol? own = m.ContainingType;
            if (own is null)
            {
                return ImmutableArray<INamedTypeSymbol>.Empty;
            }

            if (ServerAttributeOf(own) is not null)
            {
                // A server's own methods are its members; servers deriving from a server are not looked for.
                return ImmutableArray.Create(own);
            }

            if (own.TypeKind != TypeKind.Class || own.IsSealed || own.IsStatic)
            {
                return ImmutableArray<INamedTypeSymbol>.Empty;
            }

            return _sourceServers.Value
                .Where(server => DerivesFrom(server, own)
                    && McpMembers.Of(server).Any(member => SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, m)))
                .ToImmutableArray();
        });

    /// <summary>Whether the method is an MCP member of at least one [McpServer] class (its own or a deriving one).</summary>
    public bool IsServerMember(IMethodSymbol method) => !ServersOf(method).IsEmpty;

    /// <summary>
    /// Reports <paramref name="diagnostic"/> unless this analyzer already reported the same one (id, location, message)
    /// in this compilation: a base class shared by several servers is analyzed once per server, but its members'
    /// diagnostics, reported at the base's declarations, must appear once. (Roslyn does not deduplicate them.)
    /// </summary>
    public void Report(SymbolAnalysisContext context, Diagnostic diagnostic)
    {
        Location location = diagnostic.Location;
        string key = diagnostic.Id + "|" + location.SourceTree?.FilePath + "|" + location.SourceSpan.Start.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + "|" + location.SourceSpan.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        if (_reported.TryAdd(key, 0))
        {
            context.ReportDiagnostic(diagnostic);
        }
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol @base)
    {
        for (INamedTypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, @base.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private ImmutableArray<INamedTypeSymbol> FindSourceServers()
    {
        var servers = new List<INamedTypeSymbol>();
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(Compilation.Assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            INamespaceOrTypeSymbol current = pending.Pop();
            if (current is INamespaceSymbol ns)
            {
                foreach (INamespaceOrTypeSymbol member in ns.GetMembers())
                {
                    pending.Push(member);
                }

                continue;
            }

            var type = (INamedTypeSymbol)current;
            if (type.TypeKind == TypeKind.Class && ServerAttributeOf(type) is not null)
            {
                servers.Add(type);
            }

            foreach (INamedTypeSymbol nested in type.GetTypeMembers())
            {
                pending.Push(nested);
            }
        }

        return servers.OrderBy(s => s.ToDisplayString(), StringComparer.Ordinal).ToImmutableArray();
    }

    /// <summary>Whether the method is declared in source (so it has a location to report at).</summary>
    public static bool IsInSource(IMethodSymbol method) => method.Locations.Length > 0 && method.Locations[0].IsInSource;
}
