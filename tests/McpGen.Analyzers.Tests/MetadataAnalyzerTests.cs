namespace McpGen.Analyzers.Tests;

public sealed class MetadataAnalyzerTests
{
    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<MetadataAnalyzer>.VerifyAsync(markup, messages);

    [Fact]
    public Task Valid_icons_and_meta_are_not_reported()
        => VerifyAsync(""""
            using McpGen;

            [McpServer]
            [McpIcon("https://example.com/icon.png", MimeType = "image/png", Sizes = new[] { "48x48", "96x96" }, Theme = McpIconTheme.Dark)]
            [McpIcon("data:image/svg+xml;base64,PHN2Zy8+", MimeType = "image/svg+xml", Sizes = new[] { "any" })]
            public partial class Server
            {
                [McpTool]
                [McpIcon("HTTPS://EXAMPLE.COM/a.png")]
                [McpMeta("com.example/team", "\"search\""), McpMeta("com.example.mcp/x", "1"), McpMeta("plain", "null"), McpMeta("org.example-1/a.b_c-d", """{"a": [1, true]}"""), McpMeta("com.example/", "[]")]
                public static string Tool() => "";

                [McpResource("a://b"), McpMeta("com.example/kind", "\"doc\"")]
                public static string Resource() => "";
            }
            """");

    [Fact]
    public Task Icon_sources_clients_must_refuse_are_errors_at_the_source()
        => VerifyAsync("""
            using McpGen;

            [McpServer]
            [McpIcon({|MCPG0030:"http://example.com/icon.png"|})]
            public partial class Server
            {
                [McpTool]
                [McpIcon({|MCPG0030:"javascript:alert(1)"|}), McpIcon({|MCPG0030:"/icon.png"|}), McpIcon({|MCPG0030:""|})]
                [McpIcon({|MCPG0030:"data:image/png,rawbytes"|}), McpIcon({|MCPG0030:"data:image/png;base64,not base64!"|}), McpIcon({|MCPG0030:"file:///etc/icon.png"|})]
                public static string Tool() => "";
            }
            """,
            "The [McpIcon] on 'Server' is left out: 'http://example.com/icon.png' is not an absolute https:// URL or a data: URI (clients must refuse other schemes)",
            "The [McpIcon] on 'Tool' is left out: 'javascript:alert(1)' is not an absolute https:// URL or a data: URI (clients must refuse other schemes)",
            "The [McpIcon] on 'Tool' is left out: '/icon.png' is not an absolute https:// URL or a data: URI (clients must refuse other schemes)",
            "The [McpIcon] on 'Tool' is left out: the icon source is empty; give an https:// URL or a data: URI",
            "The [McpIcon] on 'Tool' is left out: the data: URI must carry base64 image data, as data:image/png;base64,iVBORw0...",
            "The [McpIcon] on 'Tool' is left out: the data: URI must carry base64 image data, as data:image/png;base64,iVBORw0...",
            "The [McpIcon] on 'Tool' is left out: 'file:///etc/icon.png' is not an absolute https:// URL or a data: URI (clients must refuse other schemes)");

    [Fact]
    public Task Bad_mime_types_and_sizes_are_errors_at_their_argument()
        => VerifyAsync("""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpPrompt]
                [McpIcon("https://example.com/a.png", {|MCPG0030:MimeType = "text/html"|})]
                [McpIcon("https://example.com/b.png", {|MCPG0030:Sizes = new[] { "48x48", "big" }|})]
                [McpIcon("https://example.com/c.png", {|MCPG0030:Sizes = new[] { "48x" }|})]
                public static string Prompt() => "";
            }
            """,
            "The [McpIcon] on 'Prompt' is left out: MimeType 'text/html' is not an image MIME type; use one such as image/png, image/jpeg, image/svg+xml or image/webp",
            "The [McpIcon] on 'Prompt' is left out: size 'big' is not WxH (such as 48x48) or 'any'",
            "The [McpIcon] on 'Prompt' is left out: size '48x' is not WxH (such as 48x48) or 'any'");

    [Fact]
    public Task Reserved_and_malformed_meta_keys_are_errors_at_the_key()
        => VerifyAsync("""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpTool]
                [McpMeta({|MCPG0031:"io.modelcontextprotocol/related-task"|}, "1"), McpMeta({|MCPG0031:"dev.mcp/x"|}, "1"), McpMeta({|MCPG0031:"org.modelcontextprotocol.api/x"|}, "1")]
                [McpMeta({|MCPG0031:"1com.example/x"|}, "1"), McpMeta({|MCPG0031:"com..example/x"|}, "1"), McpMeta({|MCPG0031:"com.example/-x"|}, "1"), McpMeta({|MCPG0031:"com.example/a b"|}, "1"), McpMeta({|MCPG0031:""|}, "1")]
                public static string Tool() => "";
            }
            """,
            "The [McpMeta] on 'Tool' is left out: the key 'io.modelcontextprotocol/related-task' uses the prefix 'io.modelcontextprotocol/', which is reserved for the MCP specification; use your own reverse-DNS prefix, as com.example/",
            "The [McpMeta] on 'Tool' is left out: the key 'dev.mcp/x' uses the prefix 'dev.mcp/', which is reserved for the MCP specification; use your own reverse-DNS prefix, as com.example/",
            "The [McpMeta] on 'Tool' is left out: the key 'org.modelcontextprotocol.api/x' uses the prefix 'org.modelcontextprotocol.api/', which is reserved for the MCP specification; use your own reverse-DNS prefix, as com.example/",
            "The [McpMeta] on 'Tool' is left out: the key '1com.example/x' has an invalid prefix: use dot-separated labels of letters, digits and hyphens that start with a letter, then '/', as com.example/",
            "The [McpMeta] on 'Tool' is left out: the key 'com..example/x' has an invalid prefix: use dot-separated labels of letters, digits and hyphens that start with a letter, then '/', as com.example/",
            "The [McpMeta] on 'Tool' is left out: the key 'com.example/-x' has an invalid name '-x': it must start and end with a letter or digit and contain only letters, digits, '-', '_' and '.'",
            "The [McpMeta] on 'Tool' is left out: the key 'com.example/a b' has an invalid name 'a b': it must start and end with a letter or digit and contain only letters, digits, '-', '_' and '.'",
            "The [McpMeta] on 'Tool' is left out: the key is empty; give a name such as com.example/team");

    [Fact]
    public Task Values_that_are_not_json_and_repeated_keys_are_errors()
        => VerifyAsync("""
            using McpGen;

            [McpServer]
            public partial class Server
            {
                [McpResource("a://b")]
                [McpMeta("com.example/team", {|MCPG0031:"search"|}), McpMeta("com.example/n", {|MCPG0031:"{'a':1}"|})]
                [McpMeta("com.example/k", "1"), McpMeta({|MCPG0031:"com.example/k"|}, "2")]
                public static string Resource() => "";
            }
            """,
            "The [McpMeta] on 'Resource' is left out: the value of 'com.example/team' is not valid JSON (unexpected character 's' (strings need double quotes) (at character 1)); a string value needs its quotes, such as \"\\\"text\\\"\"",
            "The [McpMeta] on 'Resource' is left out: the value of 'com.example/n' is not valid JSON (expected a property name in double quotes (at character 2)); a string value needs its quotes, such as \"\\\"text\\\"\"",
            "The [McpMeta] on 'Resource' is left out: the key 'com.example/k' is already set by an earlier [McpMeta] on 'Resource'; keep one");
}

public sealed class SchemaKeywordsAnalyzerTests
{
    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<SchemaKeywordsAnalyzer>.VerifyAsync(markup, messages);

    [Fact]
    public Task Valid_keywords_are_not_reported()
        => VerifyAsync(""""
            using McpGen;

            [McpSchema("""{"$anchor": "point", "description": "A point."}""")]
            public sealed record Point([McpSchema("""{"minimum": 0}""")] int X, [property: McpSchema("""{"maximum": 9}""")] int Y);

            public sealed class Box
            {
                [McpSchema("""{"minLength": 1}""")]
                public string Label { get; set; } = "";
            }

            [McpServer]
            public partial class Server
            {
                [McpTool]
                [McpSchema("""{"$schema": "https://json-schema.org/draft/2020-12/schema", "allOf": [{"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}], "additionalProperties": true}""")]
                public static string Tool([McpSchema("""{"pattern": "^[a-z]+$"}""")] string? a = null, string? b = null, Point? p = null, Box? box = null) => "";
            }
            """");

    [Fact]
    public Task Invalid_keywords_are_errors_at_the_text()
        => VerifyAsync(""""
            using McpGen;

            [McpSchema({|MCPG0032:"""{"type": "array"}"""|})]
            public sealed class Box
            {
                [McpSchema({|MCPG0032:"""{"$schema": "https://json-schema.org/draft/2020-12/schema"}"""|})]
                public string Label { get; set; } = "";
            }

            public sealed record Point([McpSchema({|MCPG0032:"""{"enum": [1, 2]}"""|})] int X);

            [McpServer]
            public partial class Server
            {
                [McpTool]
                [McpSchema({|MCPG0032:"""{"properties": {}, "required": ["a"]}"""|})]
                public static string Tool(
                    [McpSchema({|MCPG0032:"not json"|})] string a,
                    [McpSchema({|MCPG0032:"[1]"|})] string b,
                    [McpSchema({|MCPG0032:"""{"x-mcp-header": "B"}"""|})] string c,
                    [McpSchema({|MCPG0032:"""{"$ref": "#/$defs/x", "$defs": {}}"""|})] Box d) => "";

                [McpTool]
                [McpSchema({|MCPG0032:"""{"$schema": 7}"""|})]
                public static string Other() => "";
            }
            """",
            "The [McpSchema] on 'Box' is left out: \"type\" follows from the C# type and cannot be set here; change the type instead",
            "The [McpSchema] on 'Label' is left out: \"$schema\" names the dialect of a whole document; put it in [McpSchema] on the tool method",
            "The [McpSchema] on 'X' is left out: \"enum\" follows from the C# type and cannot be set here; change the type instead",
            "The [McpSchema] on 'Tool' is left out: \"properties\", \"required\" follow from the C# type and cannot be set here; change the type instead",
            "The [McpSchema] on 'a' is left out: it is not valid JSON: unexpected text; JSON literals are true, false and null (strings need double quotes) (at character 1)",
            "The [McpSchema] on 'b' is left out: it must be a JSON object of schema keywords, such as {\"minimum\": 1}",
            "The [McpSchema] on 'c' is left out: \"x-mcp-header\" follows from the C# type ([McpHeader] sets x-mcp-header) and cannot be set here; change the type instead",
            "The [McpSchema] on 'd' is left out: \"$ref\", \"$defs\" follow from the C# type and cannot be set here; change the type instead",
            "The [McpSchema] on 'Other' is left out: \"$schema\" must be a URI string, such as \"https://json-schema.org/draft/2020-12/schema\"");
}

public sealed class HeaderParameterAnalyzerTests
{
    private static Task VerifyAsync(string markup, params string[] messages)
        => McpAnalyzerVerifier<HeaderParameterAnalyzer>.VerifyAsync(markup, messages);

    [Fact]
    public Task Valid_headers_are_not_reported()
        => VerifyAsync("""
            using System;
            using System.Threading;
            using McpGen;

            public enum Tier { Free, Paid }

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public static string Tool(
                    [McpHeader("Region")] string region,
                    [McpHeader("Priority")] int priority,
                    [McpHeader("Verbose")] bool verbose,
                    [McpHeader("Tenant")] string? tenant,
                    [McpHeader("Tier")] Tier? tier,
                    [McpHeader("Id")] Guid id,
                    [McpHeader("Small")] byte small,
                    [McpHeader("Unsigned")] uint big,
                    [McpHeader("When")] DateOnly when,
                    [McpHeader("X-Weird.Token!#$%&'*+^_`|~1")] char letter,
                    CancellationToken cancellationToken) => "";
            }
            """);

    [Fact]
    public Task Invalid_headers_are_errors_at_the_name()
        => VerifyAsync("""
            using System.Collections.Generic;
            using System.Threading;
            using McpGen;

            public sealed record Point(int X, int Y);

            [McpServer]
            public partial class Server
            {
                [McpTool]
                public static string Tool(
                    [McpHeader({|MCPG0033:"Bad Name"|})] string a,
                    [McpHeader({|MCPG0033:""|})] string b,
                    [McpHeader({|MCPG0033:"Région"|})] string c,
                    [McpHeader({|MCPG0033:"Ratio"|})] double ratio,
                    [McpHeader({|MCPG0033:"Big"|})] long big,
                    [McpHeader({|MCPG0033:"Point"|})] Point point,
                    [McpHeader({|MCPG0033:"Names"|})] List<string> names,
                    [McpHeader("Same")] string first,
                    [McpHeader({|MCPG0033:"SAME"|})] string second,
                    [McpHeader({|MCPG0033:"Token"|})] CancellationToken cancellationToken) => "";

                public static string NotATool([McpHeader({|MCPG0033:"Region"|})] string region) => region;
            }
            """,
            "[McpHeader] on parameter 'a' of 'Tool' is left out: the header name 'Bad Name' contains ' '; use letters, digits and !#$%&'*+-.^_`|~ only (an HTTP token)",
            "[McpHeader] on parameter 'b' of 'Tool' is left out: the header name is empty; give the part after Mcp-Param-, such as \"Region\"",
            "[McpHeader] on parameter 'c' of 'Tool' is left out: the header name 'Région' contains 'é'; use letters, digits and !#$%&'*+-.^_`|~ only (an HTTP token)",
            "[McpHeader] on parameter 'ratio' of 'Tool' is left out: its type 'double' cannot be mirrored: x-mcp-header takes strings (and enums, dates, Guid, Uri), booleans and integers up to 32 bits, not numbers with a fraction, 64-bit integers (beyond the JavaScript safe range), objects or arrays",
            "[McpHeader] on parameter 'big' of 'Tool' is left out: its type 'long' cannot be mirrored: x-mcp-header takes strings (and enums, dates, Guid, Uri), booleans and integers up to 32 bits, not numbers with a fraction, 64-bit integers (beyond the JavaScript safe range), objects or arrays",
            "[McpHeader] on parameter 'point' of 'Tool' is left out: its type 'Point' cannot be mirrored: x-mcp-header takes strings (and enums, dates, Guid, Uri), booleans and integers up to 32 bits, not numbers with a fraction, 64-bit integers (beyond the JavaScript safe range), objects or arrays",
            "[McpHeader] on parameter 'names' of 'Tool' is left out: its type 'List<string>' cannot be mirrored: x-mcp-header takes strings (and enums, dates, Guid, Uri), booleans and integers up to 32 bits, not numbers with a fraction, 64-bit integers (beyond the JavaScript safe range), objects or arrays",
            "[McpHeader] on parameter 'second' of 'Tool' is left out: Mcp-Param-SAME is already mirrored from parameter 'first' (header names ignore case); give this one another name",
            "[McpHeader] on parameter 'cancellationToken' of 'Tool' is left out: the parameter is not a JSON argument (it is supplied by the runtime or dependency injection), so there is no value to mirror",
            "[McpHeader] on parameter 'region' of 'NotATool' is left out: 'NotATool' is not an [McpTool] method, and x-mcp-header only describes tool arguments");
}
