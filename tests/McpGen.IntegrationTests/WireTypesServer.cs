using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace McpGen.IntegrationTests;

/// <summary>Every type the README lists, as parameters, inside a record and as a structured result.</summary>
[McpServer]
public partial class WireTypesServer
{
    /// <summary>Echoes every primitive parameter back inside a record.</summary>
    [McpTool]
    public static WireRecord Primitives(
        string text, char letter, bool flag, byte b, sbyte sb, short s, ushort us, int i, uint ui, long l, ulong ul,
        float f, double d, decimal m, DateTime dt, DateTimeOffset dto, DateOnly date, TimeOnly time, TimeSpan span,
        Guid id, Uri link, WireColor color, WireColor? maybeColor = null)
        => new(text, letter, flag, b, sb, s, us, i, ui, l, ul, f, d, m, dt, dto, date, time, span, id, link, [1, 2, 3], color, maybeColor,
            [span, -span], new Dictionary<string, DateTime> { ["utc"] = dt.ToUniversalTime(), ["unspecified"] = DateTime.SpecifyKind(dt, DateTimeKind.Unspecified) });

    /// <summary>Echoes a record of every type.</summary>
    [McpTool]
    public static WireRecord Echo(WireRecord value) => value;

    /// <summary>Values made on the server: DateTime.Now/UtcNow/unspecified, sub-second spans, times with fractions.</summary>
    [McpTool]
    public static WireRecord Made()
        => new("made", 'm', true, 1, -1, -2, 2, 3, 4, 5, 6, 0.25f, 0.5, 0.75m, DateTime.Now, DateTimeOffset.Now, DateOnly.FromDateTime(DateTime.UtcNow),
            TimeOnly.FromDateTime(DateTime.UtcNow), TimeSpan.FromMilliseconds(60), Guid.NewGuid(), new Uri("relative/path", UriKind.Relative), [0xff],
            WireColor.Blue, null, [TimeSpan.FromTicks(1), TimeSpan.MaxValue, TimeSpan.MinValue], new Dictionary<string, DateTime> { ["now"] = DateTime.UtcNow, ["local"] = DateTime.Now, ["min"] = DateTime.MinValue });
}

/// <summary>A colour (written as a name: the context says UseStringEnumConverter).</summary>
public enum WireColor
{
    /// <summary>Red.</summary>
    Red,

    /// <summary>Blue.</summary>
    Blue,
}

/// <summary>Every README type in one record.</summary>
public sealed record WireRecord(
    string Text, char Letter, bool Flag, byte B, sbyte Sb, short S, ushort Us, int I, uint Ui, long L, ulong Ul,
    float F, double D, decimal M, DateTime Dt, DateTimeOffset Dto, DateOnly Date, TimeOnly Time, TimeSpan Span,
    Guid Id, Uri Link, byte[] Bytes, WireColor Color, WireColor? MaybeColor, List<TimeSpan> Spans, Dictionary<string, DateTime> Stamps);

/// <summary>The registration the README shows.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(WireRecord))]
internal sealed partial class WireJson : JsonSerializerContext;

/// <summary>The <see cref="WireTypesServer"/> on a real Kestrel bound to 127.0.0.1.</summary>
public sealed class WireTypesHost : IAsyncLifetime
{
    private Microsoft.AspNetCore.Builder.WebApplication? _app;

    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
        => (_app, Endpoint) = await KestrelHost.StartAsync(
            services =>
            {
                services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WireJson.Default));
                services.AddMcpServer<WireTypesServer>();
            },
            app => app.MapMcp<WireTypesServer>("/mcp"));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
