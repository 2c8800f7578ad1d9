using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpGen.Protocol;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary>
/// The results that never change for a server, built once as UTF-8 bytes: <c>serverInfo</c>, the <c>initialize</c>
/// result per negotiated version, the <c>server/discover</c> result, every page of the four lists per era, and the
/// capabilities (which also decide which methods exist: a method whose capability is not declared gets -32601). Also
/// the tool lookup by name.
/// </summary>
internal sealed class McpServerResults
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly McpServerDefinition _definition;
    private readonly McpToolDefinition[] _tools;
    private readonly Dictionary<string, McpToolDefinition>.AlternateLookup<ReadOnlySpan<char>> _toolsByName;
    private readonly byte[][] _initialize;
    private readonly long _ttlMs;
    private readonly byte[] _legacyServerInfo;

    public McpServerResults(McpServerDefinition definition, McpServerOptions options)
    {
        _definition = definition;
        _tools = [.. definition.Tools];
        var byName = new Dictionary<string, McpToolDefinition>(_tools.Length, StringComparer.Ordinal);
        foreach (McpToolDefinition tool in _tools)
        {
            byName[tool.Name] = tool;
        }

        _toolsByName = byName.GetAlternateLookup<ReadOnlySpan<char>>();
        _ttlMs = Math.Max(0, (long)options.ListTimeToLive.TotalMilliseconds);

        McpResourceDefinition[] resources = [.. definition.Resources ?? []];
        McpPromptDefinition[] prompts = [.. definition.Prompts ?? []];
        HasTools = _tools.Length > 0;
        HasTaskTools = _tools.Any(t => t.TaskSupport != McpTaskSupport.Forbidden);
        HasResources = resources.Length > 0;
        HasSubscribableResources = resources.Any(r => r.Subscribable);
        HasPrompts = prompts.Length > 0;
        HasCompletions = definition.HasCompletions;
        HasLogging = _tools.Any(t => (t.Features & McpHandlerFeatures.RequestContext) != 0);

        ServerInfo = Build(w => WriteServerInfo(w, icons: true));
        _legacyServerInfo = definition.Icons.IsEmpty ? ServerInfo : Build(w => WriteServerInfo(w, icons: false));
        ModernMeta = Build(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("io.modelcontextprotocol/serverInfo"u8);
            w.WriteRawValue(ServerInfo, skipInputValidation: true);
            w.WriteEndObject();
        });
        Discover = Build(WriteDiscover);
        _initialize = new byte[McpProtocolVersions.Legacy.Length][];
        for (int i = 0; i < _initialize.Length; i++)
        {
            string version = McpProtocolVersions.Legacy[i];
            _initialize[i] = Build(w => WriteInitialize(w, version));
        }

        Tools = new PagedList(McpMethods.ToolsList, "tools", [.. _tools.Select(t => t.Json)], options.PageSize, _ttlMs, ModernMeta);
        Resources = new PagedList(McpMethods.ResourcesList, "resources",
            [.. resources.Where(r => !r.IsTemplate).Select(r => r.Json)], options.PageSize, _ttlMs, ModernMeta);
        ResourceTemplates = new PagedList(McpMethods.ResourcesTemplatesList, "resourceTemplates",
            [.. resources.Where(r => r.IsTemplate).Select(r => r.Json)], options.PageSize, _ttlMs, ModernMeta);
        Prompts = new PagedList(McpMethods.PromptsList, "prompts", [.. prompts.Select(p => p.Json)], options.PageSize, _ttlMs, ModernMeta);
        if (definition.HasAuthorization)
        {
            Authorizer = new Security.McpHandlerAuthorizer();
            Authorized = new AuthorizedLists(Authorizer, _tools, resources, prompts, options.PageSize, _ttlMs, ModernMeta);
        }
    }

    /// <summary>Decides handler calls and list entries, for a server whose handlers carry authorization (else <see langword="null"/>).</summary>
    public Security.McpHandlerAuthorizer? Authorizer { get; }

    /// <summary>The four lists per caller visibility, for a server whose handlers carry authorization (else <see langword="null"/>).</summary>
    public AuthorizedLists? Authorized { get; }

    /// <summary>The server has tools (capability <c>tools</c>; else tools/list and tools/call do not exist).</summary>
    public bool HasTools { get; }

    /// <summary>Whether a tool may run as a task (<c>[McpTool(Task = ...)]</c>): the Tasks extension is offered to 2026-07-28 clients.</summary>
    public bool HasTaskTools { get; }

    /// <summary>The server has resources or templates (capability <c>resources</c>).</summary>
    public bool HasResources { get; }

    /// <summary>Some resource is subscribable (<c>resources.subscribe</c>).</summary>
    public bool HasSubscribableResources { get; }

    /// <summary>The server has prompts (capability <c>prompts</c>).</summary>
    public bool HasPrompts { get; }

    /// <summary>The server has completion methods (capability <c>completions</c>).</summary>
    public bool HasCompletions { get; }

    /// <summary>Some tool may log to the client (capability <c>logging</c>).</summary>
    public bool HasLogging { get; }

    /// <summary>The <c>tools/list</c> pages.</summary>
    public PagedList Tools { get; }

    /// <summary>The <c>resources/list</c> pages (fixed resources only).</summary>
    public PagedList Resources { get; }

    /// <summary>The <c>resources/templates/list</c> pages.</summary>
    public PagedList ResourceTemplates { get; }

    /// <summary>The <c>prompts/list</c> pages.</summary>
    public PagedList Prompts { get; }

    /// <summary><c>{"name":..,"version":..,"title":..,"icons":[..]}</c>, for 2025-11-25 and later.</summary>
    public byte[] ServerInfo { get; }

    /// <summary>The <c>_meta</c> object of every modern result: <c>{"io.modelcontextprotocol/serverInfo":{...}}</c>.</summary>
    public byte[] ModernMeta { get; }

    /// <summary>The complete <c>server/discover</c> result.</summary>
    public byte[] Discover { get; }

    /// <summary>The names of the tools, for "unknown tool" messages.</summary>
    public string ToolNames => _toolNames ??= string.Join(", ", Array.ConvertAll(_tools, t => t.Name));

    private string? _toolNames;

    public int ToolCount => _tools.Length;

    /// <summary>The <c>initialize</c> result for a negotiated (legacy) version.</summary>
    public byte[] GetInitialize(string version) => _initialize[Array.IndexOf(McpProtocolVersions.Legacy, version)];

    /// <summary>Finds a tool by its exact name without allocating.</summary>
    public McpToolDefinition? FindTool(ReadOnlySpan<char> name) => _toolsByName.TryGetValue(name, out McpToolDefinition? tool) ? tool : null;

    /// <summary>
    /// The <c>Implementation</c> object. <c>icons</c> joined it in 2025-11-25, so an <c>initialize</c> that negotiates an
    /// earlier version gets <c>serverInfo</c> without them (no schema forbids the member; this keeps each answer within
    /// the vocabulary of its version). List entries carry icons in every era: they are prebuilt once per era, not per version.
    /// </summary>
    private void WriteServerInfo(Utf8JsonWriter w, bool icons)
    {
        w.WriteStartObject();
        w.WriteString("name"u8, _definition.Name);
        w.WriteString("version"u8, _definition.Version);
        if (_definition.Title is { } title)
        {
            w.WriteString("title"u8, title);
        }

        if (icons && !_definition.Icons.IsEmpty)
        {
            w.WritePropertyName("icons"u8);
            w.WriteRawValue(_definition.Icons.Span);
        }

        w.WriteEndObject();
    }

    private void WriteDiscover(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("resultType"u8, "complete"u8);
        w.WriteStartArray("supportedVersions"u8);
        foreach (string version in McpProtocolVersions.All)
        {
            w.WriteStringValue(version);
        }

        w.WriteEndArray();
        WriteCapabilities(w, modern: true);
        if (_definition.Instructions is { } instructions)
        {
            w.WriteString("instructions"u8, instructions);
        }

        w.WriteNumber("ttlMs"u8, _ttlMs);
        w.WriteString("cacheScope"u8, "public"u8);
        w.WritePropertyName("_meta"u8);
        w.WriteRawValue(ModernMeta, skipInputValidation: true);
        w.WriteEndObject();
    }

    private void WriteInitialize(Utf8JsonWriter w, string version)
    {
        w.WriteStartObject();
        w.WriteString("protocolVersion"u8, version);
        WriteCapabilities(w, modern: false);
        w.WritePropertyName("serverInfo"u8);
        bool hasIcons = string.CompareOrdinal(version, "2025-11-25") >= 0;
        w.WriteRawValue(hasIcons ? ServerInfo : _legacyServerInfo, skipInputValidation: true);
        if (_definition.Instructions is { } instructions)
        {
            w.WriteString("instructions"u8, instructions);
        }

        w.WriteEndObject();
    }

    /// <summary>
    /// Only what the server really offers: <c>tools</c>, <c>resources</c> (<c>subscribe</c> when a resource is
    /// subscribable), <c>prompts</c>, <c>completions</c>, <c>logging</c>. <c>initialize</c>-era clients of a sticky or
    /// store-backed server also get <c>listChanged</c> (and <c>subscribe</c>): their session has a GET stream that
    /// <see cref="McpChangeNotifier{TServer}"/> notifications reach. Stateless endpoints have no stream to send them on.
    /// 2026-07-28 clients get <c>listChanged</c> and <c>subscribe</c> in every mode: they receive both through
    /// <c>subscriptions/listen</c>.
    /// </summary>
    private void WriteCapabilities(Utf8JsonWriter w, bool modern)
    {
        // Change notifications reach 2026-07-28 clients through subscriptions/listen (every mode) and initialize-era
        // clients through the GET stream of a session (sticky and store-backed servers only).
        bool push = modern || _definition.SessionMode != McpSessionMode.Stateless;
        w.WriteStartObject("capabilities"u8);
        if (HasTools)
        {
            w.WriteStartObject("tools"u8);
            if (push)
            {
                w.WriteBoolean("listChanged"u8, true);
            }

            w.WriteEndObject();
        }

        if (HasResources)
        {
            w.WriteStartObject("resources"u8);
            if (HasSubscribableResources)
            {
                w.WriteBoolean("subscribe"u8, true);
            }

            if (push)
            {
                w.WriteBoolean("listChanged"u8, true);
            }

            w.WriteEndObject();
        }

        if (HasPrompts)
        {
            w.WriteStartObject("prompts"u8);
            if (push)
            {
                w.WriteBoolean("listChanged"u8, true);
            }

            w.WriteEndObject();
        }

        if (HasCompletions)
        {
            w.WriteStartObject("completions"u8);
            w.WriteEndObject();
        }

        if (HasLogging)
        {
            w.WriteStartObject("logging"u8);
            w.WriteEndObject();
        }

        if (modern && HasTaskTools)
        {
            // The Tasks extension exists for 2026-07-28 only (initialize-era clients never get a task).
            w.WriteStartObject("extensions"u8);
            w.WriteStartObject("io.modelcontextprotocol/tasks"u8);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
