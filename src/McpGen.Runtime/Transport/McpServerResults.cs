using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpGen.Protocol;

namespace McpGen.Transport;

/// <summary>
/// The results that never change for a server, built once as UTF-8 bytes: <c>serverInfo</c>, the <c>initialize</c>
/// result per negotiated version, the <c>server/discover</c> result and every <c>tools/list</c> page per era. Also the
/// tool lookup by name and the cursor codec.
/// </summary>
internal sealed class McpServerResults
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly McpServerDefinition _definition;
    private readonly McpToolDefinition[] _tools;
    private readonly Dictionary<string, McpToolDefinition>.AlternateLookup<ReadOnlySpan<char>> _toolsByName;
    private readonly byte[][] _initialize;
    private readonly byte[][] _legacyPages;
    private readonly byte[][] _modernPages;
    private readonly long _ttlMs;

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
        PageSize = options.PageSize > 0 ? options.PageSize : int.MaxValue;
        _ttlMs = Math.Max(0, (long)options.ListTimeToLive.TotalMilliseconds);
        Cursor = new ToolListCursor(_tools);

        ServerInfo = Build(WriteServerInfo);
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

        int pages = Math.Max(1, (int)((_tools.Length + (long)PageSize - 1) / PageSize));
        _legacyPages = new byte[pages][];
        _modernPages = new byte[pages][];
        for (int page = 0; page < pages; page++)
        {
            int offset = (int)Math.Min((long)page * PageSize, _tools.Length);
            _legacyPages[page] = BuildPage(offset, modern: false);
            _modernPages[page] = BuildPage(offset, modern: true);
        }
    }

    public int PageSize { get; }

    public ToolListCursor Cursor { get; }

    /// <summary><c>{"name":..,"version":..,"title":..}</c></summary>
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

    /// <summary>The <c>tools/list</c> result starting at <paramref name="offset"/> (cached when on a page boundary).</summary>
    public byte[] GetToolsPage(bool modern, int offset)
    {
        if (offset % PageSize == 0)
        {
            return (modern ? _modernPages : _legacyPages)[offset / PageSize];
        }

        return BuildPage(offset, modern); // a cursor from a replica configured with another page size
    }

    /// <summary>Finds a tool by its exact name without allocating.</summary>
    public McpToolDefinition? FindTool(ReadOnlySpan<char> name) => _toolsByName.TryGetValue(name, out McpToolDefinition? tool) ? tool : null;

    private byte[] BuildPage(int offset, bool modern) => Build(w =>
    {
        int end = (int)Math.Min(_tools.Length, (long)offset + PageSize);
        w.WriteStartObject();
        if (modern)
        {
            w.WriteString("resultType"u8, "complete"u8);
        }

        w.WriteStartArray("tools"u8);
        for (int i = offset; i < end; i++)
        {
            w.WriteRawValue(_tools[i].Json.Span);
        }

        w.WriteEndArray();
        if (end < _tools.Length)
        {
            w.WriteString("nextCursor"u8, Cursor.Encode(end));
        }

        if (modern)
        {
            w.WriteNumber("ttlMs"u8, _ttlMs);
            w.WriteString("cacheScope"u8, "public"u8);
            w.WritePropertyName("_meta"u8);
            w.WriteRawValue(ModernMeta, skipInputValidation: true);
        }

        w.WriteEndObject();
    });

    private void WriteServerInfo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name"u8, _definition.Name);
        w.WriteString("version"u8, _definition.Version);
        if (_definition.Title is { } title)
        {
            w.WriteString("title"u8, title);
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
        WriteCapabilities(w);
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
        WriteCapabilities(w);
        w.WritePropertyName("serverInfo"u8);
        w.WriteRawValue(ServerInfo, skipInputValidation: true);
        if (_definition.Instructions is { } instructions)
        {
            w.WriteString("instructions"u8, instructions);
        }

        w.WriteEndObject();
    }

    private static void WriteCapabilities(Utf8JsonWriter w)
    {
        w.WriteStartObject("capabilities"u8);
        w.WriteStartObject("tools"u8);
        w.WriteEndObject();
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
