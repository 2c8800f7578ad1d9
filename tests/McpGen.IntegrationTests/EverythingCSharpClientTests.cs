using System.Text.Json;
using System.Text.Json.Nodes;
using Everything;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGen.IntegrationTests;

using BlobResourceContents = ModelContextProtocol.Protocol.BlobResourceContents;
using CallToolResult = ModelContextProtocol.Protocol.CallToolResult;
using GetPromptResult = ModelContextProtocol.Protocol.GetPromptResult;
using PromptMessage = ModelContextProtocol.Protocol.PromptMessage;
using TextResourceContents = ModelContextProtocol.Protocol.TextResourceContents;

/// <summary>
/// The official C# client (ModelContextProtocol.Core 2.3.1) against the stateless Everything server on a real Kestrel:
/// resources, prompts, completions and logging, on the initialize era (2025-11-25) and the modern era (2026-07-28).
/// </summary>
public sealed class EverythingCSharpClientTests(EverythingHost host) : IClassFixture<EverythingHost>
{
    public const string Legacy = "2025-11-25";
    public const string Modern = "2026-07-28";

    public static TheoryData<string> Eras => new() { Legacy, Modern };

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Lists_resources_and_resource_templates(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);
        Assert.Equal(version, client.NegotiatedProtocolVersion);
        Assert.NotNull(client.ServerCapabilities.Resources);

        IList<McpClientResource> resources = await client.ListResourcesAsync();

        Assert.Equal(
            ["test://static-binary", "test://static-text", "test://watched-resource"],
            resources.Select(r => r.Uri).Order(StringComparer.Ordinal));
        McpClientResource text = resources.Single(r => r.Uri == "test://static-text");
        Assert.Equal("static-text", text.Name);
        Assert.Equal("Static Text Resource", text.Title);
        Assert.Equal("text/plain", text.MimeType);
        Assert.Equal(EverythingFixtures.StaticTextDescription, text.Description);
        Assert.Equal("image/png", resources.Single(r => r.Uri == "test://static-binary").MimeType);

        IList<McpClientResourceTemplate> templates = await client.ListResourceTemplatesAsync();

        Assert.Equal([HandlerMatrixFixtures.ResourceTemplate, "test://template/{id}/data"], templates.Select(t => t.UriTemplate).Order(StringComparer.Ordinal));
        McpClientResourceTemplate template = templates.Single(t => t.UriTemplate == "test://template/{id}/data");
        Assert.Equal("test://template/{id}/data", template.UriTemplate);
        Assert.Equal("template", template.Name);
        Assert.Equal("Resource Template", template.Title);
        Assert.Equal("application/json", template.MimeType);
        Assert.Equal(EverythingFixtures.TemplateDescription, template.Description);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Reads_text_blob_and_template_resources(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);

        ReadResourceResult text = await client.ReadResourceAsync("test://static-text");
        TextResourceContents textContents = Assert.IsType<TextResourceContents>(Assert.Single(text.Contents));
        Assert.Equal("test://static-text", textContents.Uri);
        Assert.Equal("text/plain", textContents.MimeType);
        Assert.Equal("This is the content of the static text resource.", textContents.Text);

        ReadResourceResult blob = await client.ReadResourceAsync("test://static-binary");
        BlobResourceContents blobContents = Assert.IsType<BlobResourceContents>(Assert.Single(blob.Contents));
        Assert.Equal("test://static-binary", blobContents.Uri);
        Assert.Equal("image/png", blobContents.MimeType);
        Assert.Equal(TinyMedia.Png.ToArray(), blobContents.DecodedData.ToArray());

        ReadResourceResult templated = await client.ReadResourceAsync("test://template/abc-42/data");
        TextResourceContents templatedContents = Assert.IsType<TextResourceContents>(Assert.Single(templated.Contents));
        Assert.Equal("test://template/abc-42/data", templatedContents.Uri);
        Assert.Equal("application/json", templatedContents.MimeType);
        JsonElement data = JsonDocument.Parse(templatedContents.Text).RootElement;
        Assert.Equal("abc-42", data.GetProperty("id").GetString());
        Assert.True(data.GetProperty("templateTest").GetBoolean());
        Assert.Equal("Data for ID: abc-42", data.GetProperty("data").GetString());
    }

    [Theory]
    [InlineData(Legacy, -32002)]
    [InlineData(Modern, -32602)]
    public async Task Reading_an_unknown_resource_fails_with_the_era_error_code(string version, int expectedCode)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);

        McpProtocolException error = await Assert.ThrowsAsync<McpProtocolException>(
            async () => await client.ReadResourceAsync("test://no-such-resource"));

        Assert.Equal(expectedCode, (int)error.ErrorCode);
        Assert.Contains("test://no-such-resource", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Lists_prompts_with_their_arguments(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);
        Assert.NotNull(client.ServerCapabilities.Prompts);

        IList<McpClientPrompt> prompts = await client.ListPromptsAsync();

        Assert.Equal(
            ["matrix_context_prompt", "test_input_required_result_prompt", "test_prompt_with_arguments", "test_prompt_with_embedded_resource", "test_prompt_with_image", "test_simple_prompt"],
            prompts.Select(p => p.Name).Order(StringComparer.Ordinal));
        Prompt withArguments = prompts.Single(p => p.Name == "test_prompt_with_arguments").ProtocolPrompt;
        Assert.Equal("Prompt With Arguments", withArguments.Title);
        Assert.Equal(EverythingFixtures.PromptWithArgumentsDescription, withArguments.Description);
        Assert.NotNull(withArguments.Arguments);
        Assert.Equal(["arg1", "arg2"], withArguments.Arguments.Select(a => a.Name));
        Assert.All(withArguments.Arguments, a => Assert.True(a.Required));
        Assert.Equal(EverythingFixtures.Arg1Description, withArguments.Arguments[0].Description);
        Assert.Empty(prompts.Single(p => p.Name == "test_simple_prompt").ProtocolPrompt.Arguments ?? []);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Gets_prompts_with_arguments_embedded_resources_and_images(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);

        GetPromptResult simple = await client.GetPromptAsync("test_simple_prompt");
        PromptMessage simpleMessage = Assert.Single(simple.Messages);
        Assert.Equal(Role.User, simpleMessage.Role);
        Assert.Equal("This is a simple prompt for testing.", Assert.IsType<TextContentBlock>(simpleMessage.Content).Text);

        GetPromptResult withArguments = await client.GetPromptAsync(
            "test_prompt_with_arguments",
            new Dictionary<string, object?> { ["arg1"] = "first value", ["arg2"] = "second value" });
        PromptMessage argumentsMessage = Assert.Single(withArguments.Messages);
        Assert.Equal(Role.User, argumentsMessage.Role);
        Assert.Equal(
            "Prompt with arguments: arg1='first value', arg2='second value'",
            Assert.IsType<TextContentBlock>(argumentsMessage.Content).Text);

        GetPromptResult embedded = await client.GetPromptAsync(
            "test_prompt_with_embedded_resource",
            new Dictionary<string, object?> { ["resourceUri"] = "test://static-text" });
        Assert.Equal(2, embedded.Messages.Count);
        EmbeddedResourceBlock resource = Assert.IsType<EmbeddedResourceBlock>(embedded.Messages[0].Content);
        TextResourceContents resourceContents = Assert.IsType<TextResourceContents>(resource.Resource);
        Assert.Equal("test://static-text", resourceContents.Uri);
        Assert.Equal("Embedded resource content for testing.", resourceContents.Text);
        Assert.Equal("text/plain", resourceContents.MimeType);
        Assert.Equal("Please process the embedded resource above.", Assert.IsType<TextContentBlock>(embedded.Messages[1].Content).Text);

        GetPromptResult image = await client.GetPromptAsync("test_prompt_with_image");
        Assert.Equal(2, image.Messages.Count);
        ImageContentBlock imageBlock = Assert.IsType<ImageContentBlock>(image.Messages[0].Content);
        Assert.Equal("image/png", imageBlock.MimeType);
        Assert.Equal(TinyMedia.Png.ToArray(), imageBlock.DecodedData.ToArray());
        Assert.Equal("Please analyze the image above.", Assert.IsType<TextContentBlock>(image.Messages[1].Content).Text);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Getting_a_prompt_without_its_required_arguments_fails(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);

        McpProtocolException error = await Assert.ThrowsAsync<McpProtocolException>(
            async () => await client.GetPromptAsync("test_prompt_with_arguments", new Dictionary<string, object?> { ["arg1"] = "only one" }));

        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.Contains("arg2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public async Task Completes_a_prompt_argument(string version)
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, version);
        Assert.NotNull(client.ServerCapabilities.Completions);
        var prompt = new PromptReference { Name = "test_prompt_with_arguments" };

        CompleteResult test = await client.CompleteAsync(prompt, "arg1", "test");
        Assert.Equal(["test", "testing", "test-value-1", "test-value-2"], test.Completion.Values);

        CompleteResult sample = await client.CompleteAsync(prompt, "arg1", "SAM");
        Assert.Equal(["sample"], sample.Completion.Values);

        CompleteResult all = await client.CompleteAsync(prompt, "arg1", string.Empty);
        Assert.Equal(["test", "testing", "test-value-1", "test-value-2", "example", "sample"], all.Completion.Values);

        CompleteResult none = await client.CompleteAsync(prompt, "arg1", "zzz");
        Assert.Empty(none.Completion.Values);
    }

    [Fact]
    public async Task Legacy_client_receives_the_tool_log_messages_at_the_default_info_threshold()
    {
        var logs = new Collector<LoggingMessageNotificationParams>();
        await using McpClient client = await ConnectWithLogsAsync(Legacy, logs);

        CallToolResult result = await client.CallToolAsync("test_tool_with_logging");

        Assert.Equal("Tool with logging executed successfully", result.SingleText());
        // The client hands each notification to its handler concurrently with the response: a message the server
        // writes right before the result can still be in flight when CallToolAsync returns, and the client drops
        // notifications it processes after the request completed (docs/wire-notes.md 2.4). The fixture waits 50 ms
        // between messages but returns right after its last one, so the first two are not racing the response and
        // must arrive; the third is awaited (bounded) and, if it arrived, must be the right one.
        await logs.WaitForCountAsync(3, TimeSpan.FromSeconds(2));
        IReadOnlyList<LoggingMessageNotificationParams> received = logs.Items;
        Assert.InRange(received.Count, 2, 3);
        Assert.All(received, m => Assert.Equal(LoggingLevel.Info, m.Level));
        string[] expected = ["Tool execution started", "Tool processing data", "Tool execution completed"];
        string[] texts = [.. received.Select(m => m.Data.GetString()!)];
        Assert.Contains(expected[0], texts);
        Assert.Contains(expected[1], texts);
        Assert.All(texts, t => Assert.Contains(t, expected));
        Assert.Equal(texts.Length, texts.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Legacy_set_level_is_acknowledged_and_the_info_messages_still_arrive()
    {
        var logs = new Collector<LoggingMessageNotificationParams>();
        await using McpClient client = await ConnectWithLogsAsync(Legacy, logs);

        // The stateless endpoint acknowledges logging/setLevel but keeps no session: legacy requests log at info.
        await client.SetLoggingLevelAsync(LoggingLevel.Debug);
        CallToolResult result = await client.CallToolAsync("test_tool_with_logging");

        Assert.Equal("Tool with logging executed successfully", result.SingleText());
        // As above: the first two messages must arrive, the third (written right before the result) may be dropped.
        await logs.WaitForCountAsync(3, TimeSpan.FromSeconds(2));
        string[] texts = [.. logs.Items.Select(m => m.Data.GetString()!)];
        Assert.InRange(texts.Length, 2, 3);
        Assert.Contains("Tool execution started", texts);
        Assert.Contains("Tool processing data", texts);
        Assert.All(logs.Items, m => Assert.Equal(LoggingLevel.Info, m.Level));
    }

    [Fact]
    public async Task Modern_client_without_a_log_level_receives_no_log_messages()
    {
        var logs = new Collector<LoggingMessageNotificationParams>();
        await using McpClient client = await ConnectWithLogsAsync(Modern, logs);

        CallToolResult result = await client.CallToolAsync("test_tool_with_logging");

        Assert.Equal("Tool with logging executed successfully", result.SingleText());
        // 2026-07-28: without _meta io.modelcontextprotocol/logLevel the server must not send log notifications.
        // The first two messages would not race the response (50 ms apart), so this wait would have seen them.
        await Task.Delay(300);
        Assert.Empty(logs.Items);
    }

    [Fact]
    public async Task Modern_client_cannot_ask_for_log_messages_so_none_arrive()
    {
        var logs = new Collector<LoggingMessageNotificationParams>();
        await using McpClient client = await ConnectWithLogsAsync(Modern, logs);

        // ModelContextProtocol.Core 2.3.1 has no way to send _meta io.modelcontextprotocol/logLevel (captured on the
        // wire: it drops that key from RequestOptions.Meta and CallToolRequestParams.Meta while keeping other keys, and
        // does not add it after a successful logging/setLevel either). So a 2.3.1 caller on 2026-07-28 gets no log
        // messages even when it tries; the TypeScript v2 tests cover the modern logLevel path.
        var options = new RequestOptions { Meta = new JsonObject { ["io.modelcontextprotocol/logLevel"] = "debug" } };
        CallToolResult result = await client.CallToolAsync("test_tool_with_logging", options: options);

        Assert.Equal("Tool with logging executed successfully", result.SingleText());
        await Task.Delay(300);
        Assert.Empty(logs.Items);
    }

    [Fact]
    public async Task Modern_set_level_is_rejected_as_a_removed_method()
    {
        await using McpClient client = await CSharpClient.ConnectAsync(host.Endpoint, Modern);

        // 2.3.1 still sends logging/setLevel on a 2026-07-28 connection. The server answers 404 + -32601 (the spec's
        // status for an unknown method), which this client surfaces as an HTTP error carrying the body (wire notes 5).
        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(
            async () => await client.SetLoggingLevelAsync(LoggingLevel.Debug));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("-32601", error.Message, StringComparison.Ordinal);
        Assert.Contains("logging/setLevel", error.Message, StringComparison.Ordinal);
        Assert.Contains("io.modelcontextprotocol/logLevel", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Connects like <see cref="CSharpClient.ConnectAsync"/>, with a handler for <c>notifications/message</c>.</summary>
    private Task<McpClient> ConnectWithLogsAsync(string version, Collector<LoggingMessageNotificationParams> logs)
        => CSharpClient.ConnectAsync(host.Endpoint, version, handlers: new McpClientHandlers
        {
            NotificationHandlers =
            [
                new(NotificationMethods.LoggingMessageNotification, (notification, _) =>
                {
                    if (notification.Params?.Deserialize<LoggingMessageNotificationParams>(McpJsonUtilities.DefaultOptions) is { } message)
                    {
                        logs.Report(message);
                    }

                    return ValueTask.CompletedTask;
                }),
            ],
        });
}
