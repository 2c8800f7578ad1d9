#!/usr/bin/env python3
"""Writes the two projects benchmarks/build-cost.sh times (deterministic content, no randomness).

  python3 benchmarks/build-cost.py <out-dir> <tools> <runtime.dll> <analyzer.dll>...

<out-dir>/with: a web app with one [McpServer] of <tools> [McpTool] methods of varied signatures (primitives, optional
parameters, records, enums, lists and arrays, CancellationToken, McpRequestContext, Task/ValueTask returns), plus a
resource, a resource template and a prompt for every 20 tools, spread over partial-class files of 50 methods, with the
McpGen generator and analyzers loaded the way the McpGen package loads them.
<out-dir>/twin: the same methods, records, enums and JsonSerializerContext without McpGen's attributes, generator or
analyzers (the runtime assembly is still referenced: McpRequestContext and the content types come from it).
"""
import os
import sys

KINDS = 10
RECORDS = 10
PER_FILE = 50


def tool(i, attributed):
    """One tool method: (doc comment, attribute line, signature, body)."""
    k = i % KINDS
    r = i % RECORDS
    a = "[McpTool(ReadOnly = true)]" if i % 3 == 0 else "[McpTool]"
    if k == 0:
        doc, sig, body = "Echoes the text back.", f"public static string Echo{i}(string text)", "text"
        params = ["text: The text to echo."]
    elif k == 1:
        doc, sig, body = "Adds two integers.", f"public int Add{i}(int a, int b = {i % 7})", "a + b"
        params = ["a: The first addend.", "b: The second addend."]
    elif k == 2:
        doc, sig, body = "Fetches an item by id.", f"public static Task<string> Fetch{i}(string id, CancellationToken cancellationToken)", f"Task.FromResult(\"item-{i}:\" + id)"
        params = ["id: The item id.", "cancellationToken: Signals that the client went away."]
    elif k == 3:
        doc, sig, body = "Counts the items.", f"public static ValueTask<int> Count{i}(List<string> items, CancellationToken cancellationToken = default)", "ValueTask.FromResult(items.Count)"
        params = ["items: The items to count.", "cancellationToken: Signals that the client went away."]
    elif k == 4:
        doc, sig, body = "Places an order.", f"public static string Place{i}(Order{r} order, bool express = false)", "express ? order.Sku.ToUpperInvariant() : order.Sku"
        params = ["order: The order to place.", "express: Ship it today."]
    elif k == 5:
        doc, sig, body = "Paints in a colour.", f"public static string Paint{i}(Colour colour, int coats = 1)", "colour + \" x\" + coats"
        params = ["colour: The colour.", "coats: How many coats."]
    elif k == 6:
        doc, sig, body = "Says who is asking.", f"public static string Who{i}(McpRequestContext context, string? note = null)", "context.ProtocolVersion + (note ?? \"\")"
        params = ["context: The request.", "note: An optional note."]
    elif k == 7:
        doc, sig, body = "Scales a value.", f"public static double Scale{i}(double value, double factor = 2.5, long? offset = null)", "value * factor + (offset ?? 0)"
        params = ["value: The value.", "factor: The factor.", "offset: Added after scaling."]
    elif k == 8:
        doc, sig, body = "Tags something.", f"public static Task<string[]> Tag{i}(string[] tags, Colour? colour = null, CancellationToken cancellationToken = default)", "Task.FromResult(tags)"
        params = ["tags: The tags.", "colour: An optional colour.", "cancellationToken: Signals that the client went away."]
    else:
        doc, sig, body = "Summarizes a text.", f"public static Summary{r} Summarize{i}(string text, int maxWords = 10, DateTimeOffset? since = null)", f"new Summary{r}(text.Length, maxWords, since)"
        params = ["text: The text.", "maxWords: At most this many words.", "since: Only changes after this time."]
    lines = [f"    /// <summary>{doc} (tool {i})</summary>"]
    for p in params:
        name, text = p.split(": ", 1)
        lines.append(f"    /// <param name=\"{name}\">{text}</param>")
    if attributed:
        lines.append(f"    {a}")
    lines.append(f"    {sig} => {body};")
    return "\n".join(lines)


def extras(j, attributed):
    """A resource, a resource template and a prompt."""
    res = f"[McpResource(\"bench://static/{j}\", MimeType = \"text/plain\")]"
    tpl = f"[McpResource(\"bench://item{j}/{{id}}\", MimeType = \"text/plain\")]"
    prm = "[McpPrompt]"
    out = []
    out.append(f"    /// <summary>Static resource {j}.</summary>")
    if attributed:
        out.append(f"    {res}")
    out.append(f"    public static string Static{j}() => \"static {j}\";")
    out.append(f"    /// <summary>Templated resource {j}.</summary>")
    out.append(f"    /// <param name=\"id\">The item id.</param>")
    if attributed:
        out.append(f"    {tpl}")
    out.append(f"    public static ResourceContents Item{j}(string id) => new TextResourceContents(\"bench://item{j}/\" + id, \"item \" + id, \"text/plain\");")
    out.append(f"    /// <summary>Prompt {j}.</summary>")
    out.append(f"    /// <param name=\"topic\">What to talk about.</param>")
    if attributed:
        out.append(f"    {prm}")
    out.append(f"    public static GetPromptResult Prompt{j}(string topic) => new() {{ Messages = [PromptMessage.User(\"Tell me about \" + topic)] }};")
    return "\n".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def project(dir, attributed, tools, runtime, analyzers):
    refs = [f'    <Reference Include="McpGen.Runtime" HintPath="{runtime}" />']
    if attributed:
        refs += [f'    <Analyzer Include="{a}" />' for a in analyzers]
    write(os.path.join(dir, "Bench.csproj"), f"""<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <GenerateDocumentationFile>true</GenerateDocumentationFile>
    <NoWarn>$(NoWarn);CS1591</NoWarn>
    <JsonSerializerIsReflectionEnabledByDefault>false</JsonSerializerIsReflectionEnabledByDefault>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
{chr(10).join(refs)}
  </ItemGroup>
</Project>
""")
    program = "using McpGen;\n\nvar builder = WebApplication.CreateSlimBuilder(args);\n"
    if attributed:
        program += "builder.Services.AddMcpServer<BenchServer>();\nvar app = builder.Build();\napp.MapMcp<BenchServer>(\"/mcp\");\n"
    else:
        program += "builder.Services.AddSingleton<BenchServer>();\nvar app = builder.Build();\n"
    program += "app.Run();\n"
    write(os.path.join(dir, "Program.cs"), program)

    types = ["using System.Text.Json.Serialization;", "", "namespace Bench;", "",
             "/// <summary>A colour.</summary>", "[JsonConverter(typeof(JsonStringEnumConverter<Colour>))]",
             "public enum Colour { Red, Green, Blue, Cyan, Magenta, Yellow }", ""]
    ser = []
    for r in range(RECORDS):
        types.append(f"/// <summary>An order of kind {r}.</summary>")
        types.append(f"/// <param name=\"Sku\">The stock keeping unit.</param>")
        types.append(f"/// <param name=\"Quantity\">How many.</param>")
        types.append(f"/// <param name=\"Colour\">Which colour.</param>")
        types.append(f"/// <param name=\"Notes\">Free text.</param>")
        types.append(f"public sealed record Order{r}(string Sku, int Quantity, Colour Colour, IReadOnlyList<string>? Notes = null);")
        types.append(f"/// <summary>A summary of kind {r}.</summary>")
        types.append(f"public sealed record Summary{r}(int Length, int MaxWords, DateTimeOffset? Since);")
        types.append("")
        ser += [f"[JsonSerializable(typeof(Order{r}))]", f"[JsonSerializable(typeof(Summary{r}))]"]
    types += ["/// <summary>The JSON contract of the complex types.</summary>", "[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]"]
    ser += ["[JsonSerializable(typeof(List<string>))]", "[JsonSerializable(typeof(string[]))]"]
    types += ser
    types += ["internal sealed partial class BenchJson : JsonSerializerContext;", ""]
    write(os.path.join(dir, "Types.cs"), "\n".join(types).replace("JsonSerializerDefaults", "System.Text.Json.JsonSerializerDefaults"))

    files = (tools + PER_FILE - 1) // PER_FILE
    for f in range(files):
        head = ["using McpGen;", "", "namespace Bench;", ""]
        if f == 0:
            head.append("/// <summary>The benchmark server.</summary>")
            if attributed:
                head.append("[McpServer(Stateless = true, Name = \"bench\")]")
        head.append("public partial class BenchServer")
        head.append("{")
        body = []
        for i in range(f * PER_FILE, min(tools, (f + 1) * PER_FILE)):
            body.append(tool(i, attributed))
            if i % 20 == 19:
                body.append(extras(i // 20, attributed))
        write(os.path.join(dir, f"BenchServer.{f}.cs"), "\n".join(head + ["\n\n".join(body), "}", ""]))
    # Keep BenchServer in scope for Program.cs.
    with open(os.path.join(dir, "Program.cs"), "r+", encoding="utf-8") as p:
        text = p.read()
        p.seek(0)
        p.write("using Bench;\n" + text)


def main():
    out, tools, runtime = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    analyzers = sys.argv[4:]
    project(os.path.join(out, "with"), True, tools, runtime, analyzers)
    project(os.path.join(out, "twin"), False, tools, runtime, analyzers)


if __name__ == "__main__":
    main()
