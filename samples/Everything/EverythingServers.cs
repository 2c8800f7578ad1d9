// The three conformance servers: one per session mode, identical fixtures. The fixtures are declared once, with their
// attributes, on EverythingServerBase; the generator exposes the MCP methods a server inherits from its base classes, so
// each [McpServer] class below only picks its session mode. scripts/conformance.sh tests whichever mode it is given.
using System.ComponentModel;
using McpGen;
using F = Everything.EverythingFixtures;

namespace Everything;

/// <summary>Every conformance fixture, delegating to <see cref="EverythingFixtures"/>; served by the classes below.</summary>
public abstract class EverythingServerBase
{
    // ----- tools -----

    [McpTool("test_simple_text", ReadOnly = true), Description(F.SimpleTextDescription)]
    [McpIcon(F.IconDataUri, MimeType = "image/svg+xml", Sizes = ["any"]), McpMeta("dev.mcpgen/fixture", "\"simple-text\"")]
    public static string TestSimpleText() => F.SimpleText();

    [McpTool("test_image_content", ReadOnly = true), Description(F.ImageContentDescription)]
    public static ImageContent TestImageContent() => F.Image();

    [McpTool("test_audio_content", ReadOnly = true), Description(F.AudioContentDescription)]
    public static AudioContent TestAudioContent() => F.Audio();

    [McpTool("test_embedded_resource", ReadOnly = true), Description(F.EmbeddedResourceDescription)]
    public static EmbeddedResource TestEmbeddedResource() => F.EmbeddedResource();

    [McpTool("test_multiple_content_types", ReadOnly = true), Description(F.MultipleContentTypesDescription)]
    public static ContentBlock[] TestMultipleContentTypes() => F.MultipleContentTypes();

    [McpTool("test_tool_with_logging", ReadOnly = true), Description(F.ToolWithLoggingDescription)]
    public static Task<string> TestToolWithLogging(McpRequestContext context, CancellationToken cancellationToken) => F.ToolWithLogging(context, cancellationToken);

    [McpTool("test_tool_with_progress", ReadOnly = true), Description(F.ToolWithProgressDescription)]
    public static Task<string> TestToolWithProgress(IProgress<McpProgress> progress, CancellationToken cancellationToken) => F.ToolWithProgress(progress, cancellationToken);

    [McpTool("test_error_handling", ReadOnly = true), Description(F.ErrorHandlingDescription)]
    public static string TestErrorHandling() => F.ErrorHandling();

    // The tools that ask the client for input (and the MRTR prompt below) get MCPG0014 on behalf of StatelessEverythingServer:
    // its initialize-era clients cannot answer. On purpose: 2026-07-28 clients complete them on every mode, and the suite
    // checks that legacy clients of the stateless server fail fast. Sticky and Store serve legacy clients too.
#pragma warning disable MCPG0014
    [McpTool("test_sampling"), Description(F.SamplingDescription)]
    public static Task<string> TestSampling(McpRequestContext context, [Description(F.SamplingPromptDescription)] string prompt, CancellationToken cancellationToken) => F.Sampling(context, prompt, cancellationToken);

    [McpTool("test_elicitation"), Description(F.ElicitationDescription)]
    public static Task<string> TestElicitation(McpRequestContext context, [Description(F.ElicitationMessageDescription)] string message, CancellationToken cancellationToken) => F.Elicitation(context, message, cancellationToken);

    [McpTool("test_elicitation_sep1034_defaults"), Description(F.ElicitationDefaultsDescription)]
    public static Task<string> TestElicitationSep1034Defaults(McpRequestContext context, CancellationToken cancellationToken) => F.ElicitationDefaults(context, cancellationToken);

    [McpTool("test_elicitation_sep1330_enums"), Description(F.ElicitationEnumsDescription)]
    public static Task<string> TestElicitationSep1330Enums(McpRequestContext context, CancellationToken cancellationToken) => F.ElicitationEnums(context, cancellationToken);

    [McpTool("test_input_required_result_elicitation"), Description(F.InputElicitationDescription)]
    public static Task<string> TestInputElicitation(McpRequestContext context, CancellationToken cancellationToken) => F.InputElicitation(context, cancellationToken);

    [McpTool("test_input_required_result_sampling"), Description(F.InputSamplingDescription)]
    public static Task<string> TestInputSampling(McpRequestContext context, CancellationToken cancellationToken) => F.InputSampling(context, cancellationToken);

    [McpTool("test_input_required_result_list_roots"), Description(F.InputListRootsDescription)]
    public static Task<string> TestInputListRoots(McpRequestContext context, CancellationToken cancellationToken) => F.InputListRoots(context, cancellationToken);

    [McpTool("test_input_required_result_request_state"), Description(F.InputRequestStateDescription)]
    public static Task<string> TestInputRequestState(McpRequestContext context, CancellationToken cancellationToken) => F.InputRequestState(context, cancellationToken);

    [McpTool("test_input_required_result_multiple_inputs"), Description(F.InputMultipleDescription)]
    public static Task<string> TestInputMultiple(McpRequestContext context, CancellationToken cancellationToken) => F.InputMultiple(context, cancellationToken);

    [McpTool("test_input_required_result_multi_round"), Description(F.InputMultiRoundDescription)]
    public static Task<string> TestInputMultiRound(McpRequestContext context, CancellationToken cancellationToken) => F.InputMultiRound(context, cancellationToken);

    [McpTool("test_input_required_result_tampered_state"), Description(F.InputTamperedStateDescription)]
    public static Task<string> TestInputTamperedState(McpRequestContext context, CancellationToken cancellationToken) => F.InputTamperedState(context, cancellationToken);

    [McpTool("test_input_required_result_capabilities"), Description(F.InputCapabilitiesDescription)]
    public static Task<string> TestInputCapabilities(McpRequestContext context, CancellationToken cancellationToken) => F.InputCapabilities(context, cancellationToken);

    [McpTool("test_missing_capability"), Description(F.MissingCapabilityDescription)]
    public static Task<string> TestMissingCapability(McpRequestContext context, CancellationToken cancellationToken) => F.MissingCapability(context, cancellationToken);

    [McpTool("test_streaming_elicitation"), Description(F.StreamingElicitationDescription)]
    public static Task<string> TestStreamingElicitation(McpRequestContext context, CancellationToken cancellationToken) => F.StreamingElicitation(context, cancellationToken);

    [McpPrompt("test_input_required_result_prompt", Title = "Prompt That Asks For Input"), Description(F.InputPromptDescription)]
    public static Task<GetPromptResult> TestInputPrompt(McpRequestContext context, CancellationToken cancellationToken) => F.InputPrompt(context, cancellationToken);

    // ----- tasks (the Tasks extension, 2026-07-28; the conformance suite's tasks-* scenarios) -----

    [McpTool("greet", ReadOnly = true), Description(F.GreetDescription)]
    public static string Greet([Description("Who to greet.")] string name) => F.Greet(name);

    [McpTool("slow_compute", ReadOnly = true, Task = McpTaskSupport.Optional), Description(F.SlowComputeDescription)]
    public static Task<string> SlowCompute(McpRequestContext context, [Description("How long to work, in seconds.")] double seconds, [Description("A label echoed in the result.")] string? label, CancellationToken cancellationToken)
        => F.SlowCompute(context, seconds, label, cancellationToken);

    [McpTool("failing_job", Task = McpTaskSupport.Required), Description(F.FailingJobDescription)]
    public static Task<string> FailingJob(CancellationToken cancellationToken) => F.FailingJob(cancellationToken);

    [McpTool("protocol_error_job", Task = McpTaskSupport.Optional), Description(F.ProtocolErrorJobDescription)]
    public static Task<string> ProtocolErrorJob(CancellationToken cancellationToken) => F.ProtocolErrorJob(cancellationToken);

    [McpTool("confirm_delete", Destructive = true, Task = McpTaskSupport.Optional), Description(F.ConfirmDeleteDescription)]
    public static Task<string> ConfirmDelete(McpRequestContext context, [Description("The file to delete.")] string filename, CancellationToken cancellationToken)
        => F.ConfirmDelete(context, filename, cancellationToken);

    [McpTool("multi_input", Task = McpTaskSupport.Optional), Description(F.MultiInputDescription)]
    public static Task<string> MultiInput(McpRequestContext context, CancellationToken cancellationToken) => F.MultiInput(context, cancellationToken);

    [McpTool("test_tool_with_task", Task = McpTaskSupport.Required), Description(F.ToolWithTaskDescription)]
    public static Task<string> TestToolWithTask(McpRequestContext context, CancellationToken cancellationToken) => F.ToolWithTask(context, cancellationToken);
#pragma warning restore MCPG0014

    [McpTool("test_reconnection", ReadOnly = true), Description(F.ReconnectionDescription)]
    public static Task<string> TestReconnection(McpRequestContext context, CancellationToken cancellationToken) => F.Reconnection(context, cancellationToken);

    // The JSON Schema 2020-12 fixture (scenario json-schema-2020-12): $schema, allOf/anyOf and if/then/else come from
    // [McpSchema]; $defs.address from Address's $anchor; additionalProperties:false is what every input schema says.
    [McpTool("json_schema_2020_12_tool", ReadOnly = true), Description(F.JsonSchemaDescription), McpSchema(F.JsonSchemaKeywords)]
    public static string JsonSchema2020Tool(
        [Description(F.JsonSchemaNameDescription)] string? name = null,
        [Description(F.JsonSchemaAddressDescription)] Address? address = null,
        [Description(F.JsonSchemaContactMethodDescription)] ContactMethod? contactMethod = null,
        [Description(F.JsonSchemaPhoneDescription)] string? phone = null,
        [Description(F.JsonSchemaEmailDescription)] string? email = null)
        => F.JsonSchema(name, address, contactMethod, phone, email);

    // x-mcp-header (scenario http-custom-header-server-validation): 2026-07-28 clients mirror region into Mcp-Param-Region.
    [McpTool("test_custom_header", ReadOnly = true), Description(F.CustomHeaderDescription)]
    public static string TestCustomHeader([McpHeader("Region"), Description(F.CustomHeaderRegionDescription)] string region) => F.CustomHeader(region);

    [McpTool("test_logging_tool", ReadOnly = true), Description(F.LoggingToolDescription)]
    public static string TestLoggingTool(McpRequestContext context) => F.LoggingTool(context);

    [McpTool("test_trigger_tool_change"), Description(F.TriggerToolChangeDescription)]
    public static Task<string> TestTriggerToolChange(McpRequestContext context) => F.TriggerToolChange(context);

    [McpTool("test_trigger_prompt_change"), Description(F.TriggerPromptChangeDescription)]
    public static Task<string> TestTriggerPromptChange(McpRequestContext context) => F.TriggerPromptChange(context);

    [McpTool("test_trigger_resource_update"), Description(F.TriggerResourceUpdateDescription)]
    public static Task<string> TestTriggerResourceUpdate(McpRequestContext context) => F.TriggerResourceUpdate(context);

    // Push-heavy load (benchmarks/fleet-load.sh): progress 1..steps of steps, back to back, then the result.
    [McpTool("bench_progress", ReadOnly = true), Description(F.BenchProgressDescription)]
    public static string BenchProgress(IProgress<McpProgress> progress, [Description(F.BenchProgressStepsDescription)] int steps = 20) => F.BenchProgress(progress, steps);

    // ----- resources -----

    [McpResource("test://static-text", Name = "static-text", Title = "Static Text Resource", MimeType = "text/plain"), Description(F.StaticTextDescription)]
    public static ResourceContents StaticText() => F.StaticText();

    [McpResource("test://static-binary", Name = "static-binary", Title = "Static Binary Resource", MimeType = "image/png"), Description(F.StaticBinaryDescription)]
    public static ResourceContents StaticBinary() => F.StaticBinary();

    [McpResource("test://template/{id}/data", Name = "template", Title = "Resource Template", MimeType = "application/json"), Description(F.TemplateDescription)]
    public static ResourceContents Template([Description(F.TemplateIdDescription)] string id) => F.Template(id);

    // MCPG0018 (subscribable resource on a stateless server) is reported here, at the shared declaration, on behalf of
    // StatelessEverythingServer only (Sticky and Store deliver updates); a pragma cannot single out one deriving server.
#pragma warning disable MCPG0018 // On purpose: the conformance suite subscribes to this fixture on the stateless server too.
    [McpResource("test://watched-resource", Name = "watched-resource", Title = "Watched Resource", MimeType = "text/plain", Subscribable = true), Description(F.WatchedResourceDescription)]
    public static ResourceContents WatchedResource() => F.WatchedResource();
#pragma warning restore MCPG0018

    // ----- prompts -----

    [McpPrompt("test_simple_prompt", Title = "Simple Test Prompt"), Description(F.SimplePromptDescription)]
    public static GetPromptResult TestSimplePrompt() => F.SimplePrompt();

    [McpPrompt("test_prompt_with_arguments", Title = "Prompt With Arguments"), Description(F.PromptWithArgumentsDescription)]
    public static GetPromptResult TestPromptWithArguments([Description(F.Arg1Description)] string arg1, [Description(F.Arg2Description)] string arg2) => F.PromptWithArguments(arg1, arg2);

    [McpPrompt("test_prompt_with_embedded_resource", Title = "Prompt With Embedded Resource"), Description(F.PromptWithEmbeddedResourceDescription)]
    public static GetPromptResult TestPromptWithEmbeddedResource([Description(F.ResourceUriDescription)] string resourceUri) => F.PromptWithEmbeddedResource(resourceUri);

    [McpPrompt("test_prompt_with_image", Title = "Prompt With Image"), Description(F.PromptWithImageDescription)]
    public static GetPromptResult TestPromptWithImage() => F.PromptWithImage();

    // ----- the handler matrix (issue 10): a resource and a prompt that take the request context like tools -----

    // MCPG0014 on behalf of StatelessEverythingServer, as for the tools above: they ask the client for input.
#pragma warning disable MCPG0014
    // A template, so it is not in resources/list: clients that read the first listed resource (the conformance suite's
    // caching check does) never get a reader that asks them for input.
    [McpResource(HandlerMatrixFixtures.ResourceTemplate, Name = "matrix-context", Title = "Resource That Logs, Reports Progress And Asks", MimeType = "text/plain")]
    [Description(HandlerMatrixFixtures.ResourceDescription)]
    public static Task<ResourceContents> MatrixContextResource(string topic, McpRequestContext context, IProgress<McpProgress> progress, CancellationToken cancellationToken)
        => HandlerMatrixFixtures.Resource(topic, context, progress, cancellationToken);

    [McpPrompt(HandlerMatrixFixtures.PromptName, Title = "Prompt That Logs, Reports Progress And Asks"), Description(HandlerMatrixFixtures.PromptDescription)]
    public static Task<GetPromptResult> MatrixContextPrompt(McpRequestContext context, IProgress<McpProgress> progress, CancellationToken cancellationToken)
        => HandlerMatrixFixtures.Prompt(context, progress, cancellationToken);
#pragma warning restore MCPG0014

    // ----- completions -----

    [McpCompletion(Prompt = "test_prompt_with_arguments", Argument = "arg1")]
    public static IEnumerable<string> CompleteArg1(string value) => F.CompleteArg1(value);
}

/// <summary>Every conformance fixture, served statelessly (any replica answers any request).</summary>
[McpServer(Session = McpSessionMode.Stateless, Name = "mcpgen-everything", Title = "McpGen conformance fixtures (stateless)")]
[McpIcon(F.IconDataUri, MimeType = "image/svg+xml", Sizes = ["any"])]
public partial class StatelessEverythingServer : EverythingServerBase;

/// <summary>Every conformance fixture, with sticky sessions (state on the replica that ran <c>initialize</c>).</summary>
[McpServer(Session = McpSessionMode.Sticky, LegacySse = true, Name = "mcpgen-everything", Title = "McpGen conformance fixtures (sticky sessions)")]
[McpIcon(F.IconDataUri, MimeType = "image/svg+xml", Sizes = ["any"])]
public partial class StickyEverythingServer : EverythingServerBase;

/// <summary>Every conformance fixture, with store-backed sessions (state in a shared store).</summary>
[McpServer(Session = McpSessionMode.Store, LegacySse = true, Name = "mcpgen-everything", Title = "McpGen conformance fixtures (store-backed sessions)")]
[McpIcon(F.IconDataUri, MimeType = "image/svg+xml", Sizes = ["any"])]
public partial class StoreEverythingServer : EverythingServerBase;
