using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace McpGen.Analyzers;

/// <summary>Checks that the session settings of an [McpServer] attribute agree (MCPG0003) and that LegacySse has a session (MCPG0040).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SessionSettingsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ConflictingSessionSettings, Descriptors.LegacySseNeedsSession);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (McpSymbols.Create(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, symbols), SymbolKind.NamedType);
            }
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, McpSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (symbols.ServerAttributeOf(type) is not { } attribute)
        {
            return;
        }

        if (ServerSettings.Read(attribute).Mode == SessionMode.Stateless
            && System.Linq.Enumerable.Any(attribute.NamedArguments, a => a.Key == "LegacySse" && a.Value.Value is true))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.LegacySseNeedsSession, ArgumentLocation(attribute, "LegacySse", context) ?? type.Locations[0], type.Name));
        }

        if (!ServerSettings.Read(attribute).IsConflicting)
        {
            return;
        }

        ServerSettings settings = ServerSettings.Read(attribute);
        Location location = type.Locations[0];
        if (attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList: { } arguments })
        {
            foreach (AttributeArgumentSyntax argument in arguments.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == "Stateless")
                {
                    location = argument.GetLocation();
                }
            }
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.ConflictingSessionSettings,
            location,
            type.Name,
            settings.Stateless == true ? "true" : "false",
            settings.Session!.Value.ToString()));
    }

    private static Location? ArgumentLocation(AttributeData attribute, string name, SymbolAnalysisContext context)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList: { } arguments })
        {
            foreach (AttributeArgumentSyntax argument in arguments.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return argument.GetLocation();
                }
            }
        }

        return null;
    }
}
