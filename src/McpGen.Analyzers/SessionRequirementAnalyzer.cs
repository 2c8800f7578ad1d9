using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace McpGen.Analyzers;

/// <summary>
/// Rejects, at build time, tools of a stateless server that need what only a session delivers.
/// </summary>
/// <remarks>
/// <para>
/// Follows every call, object creation, property access and method-group reference in the body of a tool of a
/// stateless [McpServer] (lambdas and local functions included) to its target. A target that carries
/// [RequiresMcpSession], or whose containing type, overridden member or implemented interface member does, is an
/// error at the call (MCPG0013). [RequiresMcpClientInput] likewise gives a warning (MCPG0014): legacy clients cannot
/// complete multi round-trip input on a stateless endpoint.
/// </para>
/// <para>
/// The analysis is intraprocedural, like the trimming analyzers: a user method that calls a marked API must carry the
/// marker itself, which passes the requirement to its callers and silences the calls inside it. A tool that carries
/// [RequiresMcpSession] is reported at its name. Sticky and Store servers are never reported. A tool inherited from a
/// base class is analyzed in the base, once per stateless server that exposes it (the message names the server).
/// </para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SessionRequirementAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.SessionRequiredOnStatelessServer, Descriptors.ClientInputOnStatelessServer);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is not { } symbols
                || (symbols.RequiresSession is null && symbols.RequiresClientInput is null))
            {
                return;
            }

            var analysis = new Analysis(symbols);
            start.RegisterSymbolAction(analysis.AnalyzeToolDeclaration, SymbolKind.Method);
            // Operations are looked at only inside the bodies of tools of stateless servers: every other method body of
            // the compilation costs one cached lookup, not one callback per call site.
            start.RegisterOperationBlockStartAction(block =>
            {
                if (block.OwningSymbol is IMethodSymbol method && analysis.IsStatelessTool(method))
                {
                    block.RegisterOperationAction(
                        analysis.AnalyzeOperation,
                        OperationKind.Invocation,
                        OperationKind.ObjectCreation,
                        OperationKind.PropertyReference,
                        OperationKind.MethodReference);
                }
            });
        });
    }

    /// <summary>A requirement found on a member: which descriptor, and the feature it names.</summary>
    private readonly struct Requirement(DiagnosticDescriptor descriptor, string feature)
    {
        public DiagnosticDescriptor Descriptor { get; } = descriptor;

        public string Feature { get; } = feature;
    }

    private sealed class Analysis(McpSymbols symbols)
    {
        private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<string>> _statelessTools = new(SymbolEqualityComparer.Default);

        /// <summary>Whether the method is a tool of at least one stateless server.</summary>
        public bool IsStatelessTool(IMethodSymbol method) => !StatelessServersOf(method).IsEmpty;

        /// <summary>A tool that itself carries a marker declares the requirement; it is reported at its name.</summary>
        public void AnalyzeToolDeclaration(SymbolAnalysisContext context)
        {
            var method = (IMethodSymbol)context.Symbol;
            if (method.Locations.Length > 0
                && StatelessServersOf(method) is { IsEmpty: false } servers
                && FindOwnRequirement(method) is { } requirement)
            {
                foreach (string server in servers)
                {
                    context.ReportDiagnostic(Diagnostic.Create(requirement.Descriptor, method.Locations[0], method.Name, requirement.Feature, method.Name, server));
                }
            }
        }

        public void AnalyzeOperation(OperationAnalysisContext context)
        {
            ISymbol? target = context.Operation switch
            {
                IInvocationOperation invocation => invocation.TargetMethod,
                IObjectCreationOperation creation => creation.Constructor,
                IPropertyReferenceOperation property => property.Property,
                IMethodReferenceOperation reference => reference.Method,
                _ => null,
            };
            if (target is null || MarkedMembers.ContainingMethod(context.ContainingSymbol) is not { } tool || StatelessServersOf(tool) is not { IsEmpty: false } servers)
            {
                return;
            }

            // A tool that carries the marker is reported once, at its name, and not inside.
            if (FindOwnRequirement(tool) is not null || FindRequirement(target) is not { } requirement)
            {
                return;
            }

            foreach (string server in servers)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    requirement.Descriptor,
                    context.Operation.Syntax.GetLocation(),
                    tool.Name,
                    requirement.Feature,
                    MarkedMembers.Describe(target),
                    server));
            }
        }

        /// <summary>
        /// The names of the stateless servers the method is a tool of (its own class, or servers inheriting it from a
        /// base class), by name; empty when there are none. Each is reported once: the message names the server.
        /// </summary>
        private ImmutableArray<string> StatelessServersOf(IMethodSymbol method)
            => _statelessTools.GetOrAdd(method, m =>
                symbols.ToolAttributeOf(m) is null
                    ? ImmutableArray<string>.Empty
                    : symbols.ServersOf(m)
                        .Where(server => symbols.ServerSettingsOf(server) is { Mode: SessionMode.Stateless })
                        .Select(server => server.Name)
                        .Distinct(System.StringComparer.Ordinal)
                        .ToImmutableArray());

        private Requirement? FindOwnRequirement(ISymbol symbol)
            => With(MarkedMembers.OwnFeature(symbol, symbols.RequiresSession), Descriptors.SessionRequiredOnStatelessServer)
                ?? With(MarkedMembers.OwnFeature(symbol, symbols.RequiresClientInput), Descriptors.ClientInputOnStatelessServer);

        private Requirement? FindRequirement(ISymbol target)
            => With(MarkedMembers.Feature(target, symbols.RequiresSession), Descriptors.SessionRequiredOnStatelessServer)
                ?? With(MarkedMembers.Feature(target, symbols.RequiresClientInput), Descriptors.ClientInputOnStatelessServer);

        private static Requirement? With(string? feature, DiagnosticDescriptor descriptor)
            => feature is null ? null : new Requirement(descriptor, feature);
    }
}
