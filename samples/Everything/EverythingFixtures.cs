using System.Text.Json;
using System.Text.Json.Serialization;
using McpGen;

namespace Everything;

/// <summary>
/// The fixtures the official MCP conformance suite names (tools, resources, prompts, a completion), implemented once
/// and shared by the three server classes in <c>EverythingServers.cs</c>. The generator reads the <c>[McpTool]</c>,
/// <c>[McpResource]</c>, <c>[McpPrompt]</c> and <c>[McpCompletion]</c> methods of each <c>[McpServer]</c> class itself,
/// so each server declares thin methods that delegate here; descriptions are constants so the three stay identical.
/// </summary>
public static class EverythingFixtures
{
    // ----- descriptions (shared by the three servers) -----
    public const string SimpleTextDescription = "Tests simple text content response.";
    public const string ImageContentDescription = "Tests image content response (a small PNG).";
    public const string AudioContentDescription = "Tests audio content response (a short WAV tone).";
    public const string EmbeddedResourceDescription = "Tests embedded resource content response.";
    public const string MultipleContentTypesDescription = "Tests response with multiple content types (text, image, embedded resource).";
    public const string ToolWithLoggingDescription = "Tests a tool that emits three log messages during execution, about 50 ms apart.";
    public const string ToolWithProgressDescription = "Tests a tool that reports progress 0, 50 and 100 of 100, about 50 ms apart.";
    public const string BenchProgressDescription = "Benchmark tool: reports progress 1 to steps of steps without pausing, then answers.";
    public const string BenchProgressStepsDescription = "How many progress notifications to send, 1 to 1000 (default 20).";
    public const string ErrorHandlingDescription = "Tests error response handling: always returns a tool error (isError).";
    public const string SamplingDescription = "Tests server-initiated sampling (an LLM completion request to the client).";
    public const string SamplingPromptDescription = "The prompt to send to the LLM.";
    public const string ElicitationDescription = "Tests server-initiated elicitation (a user input request to the client).";
    public const string ElicitationMessageDescription = "The message to show the user.";
    public const string ElicitationDefaultsDescription = "Tests elicitation with default values for every primitive type (SEP-1034).";
    public const string ElicitationEnumsDescription = "Tests elicitation with the enum schema variants of SEP-1330.";
    public const string TriggerToolChangeDescription = "Sends notifications/tools/list_changed to every listening client.";
    public const string TriggerPromptChangeDescription = "Sends notifications/prompts/list_changed to every listening client.";
    public const string TriggerResourceUpdateDescription = "Sends notifications/resources/updated for test://watched-resource to subscribed clients.";
    public const string ReconnectionDescription = "Tests SSE stream disconnection and client reconnection (SEP-1699): takes about 100 ms, then answers.";
    public const string JsonSchemaDescription = "Tool with JSON Schema 2020-12 features ($defs, $ref, additionalProperties) for conformance testing (SEP-1613).";
    public const string JsonSchemaNameDescription = "A name.";
    public const string JsonSchemaAddressDescription = "An address.";
    public const string JsonSchemaContactMethodDescription = "How to reach the person: phone or email.";
    public const string JsonSchemaPhoneDescription = "A phone number (required when contactMethod is phone).";
    public const string JsonSchemaEmailDescription = "An email address (required unless contactMethod is phone).";

    /// <summary>The keywords C# types cannot express, added to the input schema of <c>json_schema_2020_12_tool</c>.</summary>
    public const string JsonSchemaKeywords = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "allOf": [{ "anyOf": [{ "required": ["phone"] }, { "required": ["email"] }] }],
          "if": { "properties": { "contactMethod": { "const": "phone" } }, "required": ["contactMethod"] },
          "then": { "required": ["phone"] },
          "else": { "required": ["email"] }
        }
        """;

    public const string CustomHeaderDescription = "Tests x-mcp-header: 2026-07-28 clients mirror the region argument into the Mcp-Param-Region header, which the server checks against the body.";
    public const string CustomHeaderRegionDescription = "The region to route to, such as us-west1.";

    /// <summary>A small SVG icon (a filled circle) as a data: URI, for the server and one tool.</summary>
    public const string IconDataUri = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxNiAxNiI+PGNpcmNsZSBjeD0iOCIgY3k9IjgiIHI9IjciLz48L3N2Zz4=";
    public const string LoggingToolDescription = "Diagnostic tool: logs one info message, which a client sees only when it asked for a log level.";
    public const string InputElicitationDescription = "MRTR: asks the user's name (elicitation under the input key user_name), then greets them.";
    public const string InputSamplingDescription = "MRTR: asks the client's model the capital of France (sampling under capital_question).";
    public const string InputListRootsDescription = "MRTR: asks the client for its roots (roots/list under client_roots) and lists them.";
    public const string InputRequestStateDescription = "MRTR: asks for a confirmation; the sealed requestState carries it, and the result says state-ok.";
    public const string GreetDescription = "Greets someone at once (never a task).";
    public const string SlowComputeDescription = "Works for the given number of seconds, as a task when the client declares the Tasks extension; reports its progress as the task's status message.";
    public const string FailingJobDescription = "Always a task: fails with a tool error (isError) after about a second.";
    public const string ProtocolErrorJobDescription = "A task that ends with a JSON-RPC error (status failed).";
    public const string ConfirmDeleteDescription = "A task that asks the user to confirm (elicitation through the task's inputRequests), then reports what it did.";
    public const string MultiInputDescription = "A task that asks two questions at once (two inputRequests).";
    public const string ToolWithTaskDescription = "Always a task: asks the user's name first (a multi round-trip round before the task exists), then greets them from the task.";
    public const string InputMultipleDescription = "MRTR: asks for a name, a sampled greeting and the roots in one round.";
    public const string InputMultiRoundDescription = "MRTR: asks for a name, then in a second round for a favourite colour.";
    public const string InputTamperedStateDescription = "MRTR: asks for a confirmation; a changed requestState is rejected with -32602.";
    public const string InputCapabilitiesDescription = "MRTR: asks only for what the client declared (elicitation and/or sampling).";
    public const string MissingCapabilityDescription = "Diagnostic tool: needs sampling; a client that did not declare it gets -32021.";
    public const string StreamingElicitationDescription = "Diagnostic tool: reports progress, then asks for a name through input_required (never a request on the stream).";
    public const string InputPromptDescription = "MRTR: a prompt that asks the user for the context to use.";
    public const string StaticTextDescription = "A static text resource for testing.";
    public const string StaticBinaryDescription = "A static binary resource (a PNG image) for testing.";
    public const string TemplateDescription = "A resource template with parameter substitution: the contents name the id.";
    public const string TemplateIdDescription = "Any identifier.";
    public const string WatchedResourceDescription = "A resource clients may subscribe to for updates.";
    public const string SimplePromptDescription = "A simple prompt without arguments.";
    public const string PromptWithArgumentsDescription = "A prompt with two required arguments.";
    public const string Arg1Description = "First test argument.";
    public const string Arg2Description = "Second test argument.";
    public const string PromptWithEmbeddedResourceDescription = "A prompt that includes an embedded resource.";
    public const string ResourceUriDescription = "URI of the resource to embed.";
    public const string PromptWithImageDescription = "A prompt that includes image content.";

    // ----- tools -----

    public static string SimpleText() => "This is a simple text response for testing.";

    public static ImageContent Image() => new(TinyMedia.Png, "image/png");

    public static AudioContent Audio() => new(TinyMedia.Wav, "audio/wav");

    public static EmbeddedResource EmbeddedResource()
        => new(new TextResourceContents("test://embedded-resource", "This is an embedded resource content.", "text/plain"));

    public static ContentBlock[] MultipleContentTypes() =>
    [
        new TextContent("Multiple content types test:"),
        new ImageContent(TinyMedia.Png, "image/png"),
        new EmbeddedResource(new TextResourceContents("test://mixed-content-resource", """{"test":"data","value":123}""", "application/json")),
    ];

    public static async Task<string> ToolWithLogging(McpRequestContext context, CancellationToken cancellationToken)
    {
        context.Log(McpLogLevel.Info, "Tool execution started");
        await Task.Delay(50, cancellationToken);
        context.Log(McpLogLevel.Info, "Tool processing data");
        await Task.Delay(50, cancellationToken);
        context.Log(McpLogLevel.Info, "Tool execution completed");
        return "Tool with logging executed successfully";
    }

    public static async Task<string> ToolWithProgress(IProgress<McpProgress> progress, CancellationToken cancellationToken)
    {
        for (int step = 0; step <= 100; step += 50)
        {
            if (step > 0)
            {
                await Task.Delay(50, cancellationToken);
            }

            progress.Report(new McpProgress(step, 100, $"Completed step {step} of 100"));
        }

        return "Progress reported: 0, 50 and 100 of 100.";
    }

    public static string BenchProgress(IProgress<McpProgress> progress, int steps)
    {
        if (steps is < 1 or > 1000)
        {
            throw new McpToolException($"steps must be between 1 and 1000 (got {steps}).");
        }

        for (int step = 1; step <= steps; step++)
        {
            progress.Report(new McpProgress(step, steps, null));
        }

        return $"Progress reported: {steps} of {steps}.";
    }

    public static string ErrorHandling()
        => throw new McpToolException("This tool intentionally returns an error for testing.");

    // The tools below ask the client for input through McpRequestContext. 2026-07-28 clients answer through multi
    // round-trip requests on any endpoint; initialize-era clients get the request on the call's SSE stream when the server
    // has sessions (sticky, store), and a tool error at once from the stateless server (so the suite's client never waits).

    [RequiresMcpClientInput("sampling")]
    public static async Task<string> Sampling(McpRequestContext context, string prompt, CancellationToken cancellationToken)
    {
        CreateMessageResult result = await context.SampleAsync(CreateMessageRequest.FromPrompt(prompt, maxTokens: 100), cancellationToken);
        return $"LLM response: {result.Text ?? "(no text)"}";
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> Elicitation(McpRequestContext context, string message, CancellationToken cancellationToken)
    {
        ElicitResult<UserInfo> result = await context.ElicitAsync<UserInfo>(message, cancellationToken);
        return $"User response: action={Action(result.Action)}, content={Json(result.Content, EverythingJson.Default.UserInfo)}";
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> ElicitationDefaults(McpRequestContext context, CancellationToken cancellationToken)
    {
        ElicitResult<DefaultsForm> result = await context.ElicitAsync<DefaultsForm>("Please review and update the form fields with defaults", cancellationToken);
        return $"Elicitation completed: action={Action(result.Action)}, content={Json(result.Content, EverythingJson.Default.DefaultsForm)}";
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> ElicitationEnums(McpRequestContext context, CancellationToken cancellationToken)
    {
        ElicitResult<EnumsForm> result = await context.ElicitAsync<EnumsForm>("Please select options from the enum fields", cancellationToken);
        return $"Elicitation completed: action={Action(result.Action)}, content={Json(result.Content, EverythingJson.Default.EnumsForm)}";
    }

    // ----- multi round-trip requests (2026-07-28), with the input keys the suite expects -----

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> InputElicitation(McpRequestContext context, CancellationToken cancellationToken)
    {
        ElicitResult<NameAnswer> result = await context.ElicitAsync<NameAnswer>("What is your name?", "user_name", cancellationToken);
        return result.IsAccepted ? $"Hello, {result.Content.Name}!" : $"No name given ({Action(result.Action)}).";
    }

    [RequiresMcpClientInput("sampling")]
    public static async Task<string> InputSampling(McpRequestContext context, CancellationToken cancellationToken)
    {
        CreateMessageResult result = await context.SampleAsync(CreateMessageRequest.FromPrompt("What is the capital of France?", maxTokens: 100), "capital_question", cancellationToken);
        return $"Sampling result from {result.Model}: {result.Text}";
    }

    [RequiresMcpClientInput("roots")]
    public static async Task<string> InputListRoots(McpRequestContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<McpRoot> roots = await context.ListRootsAsync("client_roots", cancellationToken);
        return "Client roots: " + (roots.Count == 0 ? "none" : string.Join(", ", roots.Select(r => r.Name is null ? r.Uri : $"{r.Name} ({r.Uri})")));
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> InputRequestState(McpRequestContext context, CancellationToken cancellationToken)
    {
        ElicitResult<Confirmation> result = await context.ElicitAsync<Confirmation>("Please confirm", "confirm", cancellationToken);
        return $"state-ok: the sealed requestState was verified; confirmed={(result.Content?.Ok == true ? "yes" : "no")}";
    }

    public static string Greet(string name) => $"Hello, {name}!";

    public static async Task<string> SlowCompute(McpRequestContext context, double seconds, string? label, CancellationToken cancellationToken)
    {
        TimeSpan total = TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 600));
        TimeSpan step = TimeSpan.FromMilliseconds(250);
        for (TimeSpan done = TimeSpan.Zero; done < total; done += step)
        {
            context.ReportProgress(new McpProgress(done.TotalSeconds, total.TotalSeconds, $"Computing {label ?? "(no label)"}: {done.TotalSeconds:0.##} of {total.TotalSeconds:0.##} s"));
            await Task.Delay(total - done < step ? total - done : step, cancellationToken);
        }

        return $"Computed {label ?? "(no label)"} in {total.TotalSeconds:0.##} s.";
    }

    public static async Task<string> FailingJob(CancellationToken cancellationToken)
    {
        await Task.Delay(1000, cancellationToken);
        throw new McpToolException("The job failed: the input data set is empty (a tool error, so the task ends completed with isError).");
    }

    public static async Task<string> ProtocolErrorJob(CancellationToken cancellationToken)
    {
        await Task.Delay(200, cancellationToken);
        throw new McpJsonRpcException("Internal error: the job's backend refused the request (a JSON-RPC error, so the task ends failed).");
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> ConfirmDelete(McpRequestContext context, string filename, CancellationToken cancellationToken)
    {
        // The first await makes the call a task; asks from then on are the task's inputRequests, answered with tasks/update.
        await Task.Yield();
        ElicitResult<DeleteConfirmation> answer = await context.ElicitAsync<DeleteConfirmation>($"Delete {filename}?", "confirm_delete", cancellationToken);
        return answer.Action == ElicitAction.Accept && answer.Content?.Confirm == true ? $"Deleted {filename}." : $"Kept {filename}.";
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> MultiInput(McpRequestContext context, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Task<ElicitResult<NameAnswer>> first = context.ElicitAsync<NameAnswer>("First name?", "first", cancellationToken);
        Task<ElicitResult<NameAnswer>> second = context.ElicitAsync<NameAnswer>("Second name?", "second", cancellationToken);
        await Task.WhenAll(first, second);
        return $"first={(await first).Content?.Name}, second={(await second).Content?.Name}";
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> ToolWithTask(McpRequestContext context, CancellationToken cancellationToken)
    {
        // Asked before the first await: a multi round-trip round, answered before the task is created.
        ElicitResult<NameAnswer> name = await context.ElicitAsync<NameAnswer>("What is your name?", "user_name", cancellationToken);
        await Task.Delay(300, cancellationToken);
        return $"Hello from the task, {name.Content?.Name ?? "stranger"}!";
    }

    [RequiresMcpClientInput("form elicitation, sampling and roots")]
    public static async Task<string> InputMultiple(McpRequestContext context, CancellationToken cancellationToken)
    {
        // Started together, so the three requests go out in one input_required result.
        Task<ElicitResult<NameAnswer>> name = context.ElicitAsync<NameAnswer>("What is your name?", "user_name", cancellationToken);
        Task<CreateMessageResult> greeting = context.SampleAsync(CreateMessageRequest.FromPrompt("Generate a greeting", maxTokens: 50), "greeting", cancellationToken);
        Task<IReadOnlyList<McpRoot>> roots = context.ListRootsAsync("client_roots", cancellationToken);
        await Task.WhenAll(name, greeting, roots);
        return $"name={(await name).Content?.Name}, greeting={(await greeting).Text}, roots={(await roots).Count}";
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> InputMultiRound(McpRequestContext context, CancellationToken cancellationToken)
    {
        ElicitResult<NameAnswer> name = await context.ElicitAsync<NameAnswer>("Step 1: What is your name?", "step1", cancellationToken);
        ElicitResult<ColorAnswer> color = await context.ElicitAsync<ColorAnswer>("Step 2: What is your favorite color?", "step2", cancellationToken);
        return $"{name.Content?.Name} likes {color.Content?.Color}.";
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> InputTamperedState(McpRequestContext context, CancellationToken cancellationToken)
    {
        ElicitResult<Confirmation> result = await context.ElicitAsync<Confirmation>("Please confirm (the requestState is integrity-protected)", "confirm", cancellationToken);
        return $"Confirmed: {result.Content?.Ok == true}";
    }

    [RequiresMcpClientInput("form elicitation and sampling")]
    public static async Task<string> InputCapabilities(McpRequestContext context, CancellationToken cancellationToken)
    {
        var received = new List<string>();
        Task<ElicitResult<ValueAnswer>>? elicited = context.ClientSupports(McpClientCapability.FormElicitation)
            ? context.ElicitAsync<ValueAnswer>("Elicitation input", "elicit_input", cancellationToken)
            : null;
        Task<CreateMessageResult>? sampled = context.ClientSupports(McpClientCapability.Sampling)
            ? context.SampleAsync(CreateMessageRequest.FromPrompt("Sample request", maxTokens: 50), "sample_input", cancellationToken)
            : null;
        if (elicited is not null)
        {
            await elicited;
            received.Add("elicit_input");
        }

        if (sampled is not null)
        {
            await sampled;
            received.Add("sample_input");
        }

        return received.Count == 0 ? "No supported capabilities declared" : "capabilities-ok: received " + string.Join(",", received);
    }

    [RequiresMcpClientInput("sampling")]
    public static async Task<string> MissingCapability(McpRequestContext context, CancellationToken cancellationToken)
    {
        CreateMessageResult result = await context.SampleAsync(CreateMessageRequest.FromPrompt("Say hello", maxTokens: 20), "sample", cancellationToken);
        return "Success: " + result.Text;
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<string> StreamingElicitation(McpRequestContext context, CancellationToken cancellationToken)
    {
        context.ReportProgress(new McpProgress(50, 100, "Asking for a name"));
        ElicitResult<NameAnswer> result = await context.ElicitAsync<NameAnswer>("What is your name?", "name", cancellationToken);
        return $"Streaming complete: {result.Content?.Name}";
    }

    [RequiresMcpClientInput("form elicitation")]
    public static async Task<GetPromptResult> InputPrompt(McpRequestContext context, CancellationToken cancellationToken)
    {
        ElicitResult<ContextAnswer> result = await context.ElicitAsync<ContextAnswer>("What context should the prompt use?", "user_context", cancellationToken);
        return new GetPromptResult { Messages = [PromptMessage.User($"Prompt with context: {result.Content?.Context ?? "(none)"}")] };
    }

    private static string Action(ElicitAction action) => action.ToString().ToLowerInvariant();

    private static string Json<T>(T? value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
        => value is null ? "{}" : JsonSerializer.Serialize(value, typeInfo);

    // SSE polling (SEP-1699): with a session (sticky and store modes) the tool ends its response stream after the priming
    // event and answers on the resumed stream (the client reconnects with Last-Event-ID); stateless: a plain answer.
    public static async Task<string> Reconnection(McpRequestContext context, CancellationToken cancellationToken)
    {
        context.CloseStreamForPolling();
        await Task.Delay(100, cancellationToken);
        return "Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.";
    }

    public static string JsonSchema(string? name, Address? address, ContactMethod? contactMethod, string? phone, string? email)
        => "JSON Schema 2020-12 tool called with: "
            + JsonSerializer.Serialize(new JsonSchemaArguments(name, address, contactMethod, phone, email), EverythingJson.Default.JsonSchemaArguments);

    public static string CustomHeader(string region) => $"Routed to region {region}.";

    // Change notifications go to every subscriptions/listen stream (2026-07-28) and, in sticky and store modes, to the
    // GET stream of every session (initialize era). Stateless mode has no stream for initialize-era clients.
    public static async Task<string> TriggerToolChange(McpRequestContext context)
    {
        await context.Changes.NotifyToolsListChangedAsync(context.RequestAborted);
        return "Sent notifications/tools/list_changed";
    }

    public static async Task<string> TriggerPromptChange(McpRequestContext context)
    {
        await context.Changes.NotifyPromptsListChangedAsync(context.RequestAborted);
        return "Sent notifications/prompts/list_changed";
    }

    public static async Task<string> TriggerResourceUpdate(McpRequestContext context)
    {
        await context.Changes.NotifyResourceUpdatedAsync("test://watched-resource", context.RequestAborted);
        return "Sent notifications/resources/updated for test://watched-resource";
    }

    public static string LoggingTool(McpRequestContext context)
    {
        context.Log(McpLogLevel.Info, "Diagnostic trace logging activated");
        return "Logging evaluated";
    }

    // ----- resources -----

    public static ResourceContents StaticText()
        => new TextResourceContents("test://static-text", "This is the content of the static text resource.", "text/plain");

    public static ResourceContents StaticBinary() => new BlobResourceContents("test://static-binary", TinyMedia.Png, "image/png");

    public static ResourceContents Template(string id)
        => new TextResourceContents(
            $"test://template/{id}/data",
            JsonSerializer.Serialize(new TemplateData(id, true, $"Data for ID: {id}"), EverythingJson.Default.TemplateData),
            "application/json");

    public static ResourceContents WatchedResource() => new TextResourceContents("test://watched-resource", "Watched resource content", "text/plain");

    // ----- prompts -----

    public static GetPromptResult SimplePrompt() => new() { Messages = [PromptMessage.User("This is a simple prompt for testing.")] };

    public static GetPromptResult PromptWithArguments(string arg1, string arg2)
        => new() { Messages = [PromptMessage.User($"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")] };

    public static GetPromptResult PromptWithEmbeddedResource(string resourceUri) => new()
    {
        Messages =
        [
            new PromptMessage(McpRole.User, new EmbeddedResource(new TextResourceContents(resourceUri, "Embedded resource content for testing.", "text/plain"))),
            PromptMessage.User("Please process the embedded resource above."),
        ],
    };

    public static GetPromptResult PromptWithImage() => new()
    {
        Messages =
        [
            new PromptMessage(McpRole.User, new ImageContent(TinyMedia.Png, "image/png")),
            PromptMessage.User("Please analyze the image above."),
        ],
    };

    // ----- completions -----

    private static readonly string[] Arg1Values = ["test", "testing", "test-value-1", "test-value-2", "example", "sample"];

    /// <summary>Values for <c>test_prompt_with_arguments</c> <c>arg1</c> that start with what the user typed.</summary>
    public static IEnumerable<string> CompleteArg1(string value)
        => Arg1Values.Where(v => v.StartsWith(value ?? string.Empty, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A postal address (the nested object of <c>json_schema_2020_12_tool</c>): its <c>$anchor</c> keeps it under <c>$defs</c>.</summary>
/// <param name="Street">The street.</param>
/// <param name="City">The city.</param>
[McpSchema("""{"$anchor": "addressDef"}""")]
public sealed record Address(string? Street = null, string? City = null);

/// <summary>How to reach someone (<c>contactMethod</c> of <c>json_schema_2020_12_tool</c>).</summary>
public enum ContactMethod
{
    /// <summary>By phone.</summary>
    [JsonStringEnumMemberName("phone")]
    Phone,

    /// <summary>By email.</summary>
    [JsonStringEnumMemberName("email")]
    Email,
}

/// <summary>The arguments <c>json_schema_2020_12_tool</c> echoes back.</summary>
public sealed record JsonSchemaArguments(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Address? Address,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ContactMethod? ContactMethod,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Phone,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email);

/// <summary>The contents of <c>test://template/{id}/data</c>.</summary>
public sealed record TemplateData(string Id, bool TemplateTest, string Data);

/// <summary>The JSON contract of the sample's complex types, generated at compile time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Address))]
[JsonSerializable(typeof(UserInfo))]
[JsonSerializable(typeof(DefaultsForm))]
[JsonSerializable(typeof(EnumsForm))]
[JsonSerializable(typeof(JsonSchemaArguments))]
[JsonSerializable(typeof(TemplateData))]
internal sealed partial class EverythingJson : JsonSerializerContext;
