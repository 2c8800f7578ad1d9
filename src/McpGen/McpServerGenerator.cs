using System.Text;
using McpGen.Generator.Emitting;
using McpGen.Generator.Model;
using McpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace McpGen.Generator;

/// <summary>
/// Generates the MCP server code of every <c>[McpServer]</c> partial class: Parser (symbols to <see cref="ServerSpec"/>)
/// then Emitter (spec to C#); and the schema and content reader of every <c>[McpElicitationForm]</c> type. Invalid
/// classes, tools and forms are skipped silently; McpGen.Analyzers reports them.
/// </summary>
/// <remarks>
/// Tool names default to the method name in snake_case (<c>GetForecast</c> is <c>get_forecast</c>, <c>HTTPStatus</c>
/// is <c>http_status</c>); <c>[McpTool("name")]</c> overrides it. The same goes for <c>[McpResource]</c> and
/// <c>[McpPrompt]</c> names; <c>[McpCompletion]</c> methods are keyed by prompt or resource template and argument.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class McpServerGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ServerSpec> servers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ServerParser.ServerAttribute,
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax
                    or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                transform: static (attributeContext, cancellationToken) => ServerParser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.ServerSpecs)
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.ValidServerSpecs);

        context.RegisterSourceOutput(servers, static (output, server) =>
            output.AddSource(server.HintName, SourceText.From(ServerEmitter.Emit(server), Encoding.UTF8)));

        IncrementalValuesProvider<ElicitationFormSpec> forms = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ElicitationParser.FormAttribute,
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax
                    or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                transform: static (attributeContext, cancellationToken) => ElicitationParser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.ElicitationFormSpecs)
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.ValidElicitationFormSpecs);

        context.RegisterSourceOutput(forms, static (output, form) =>
            output.AddSource(form.HintName, SourceText.From(ElicitationEmitter.Emit(form), Encoding.UTF8)));
    }
}
