using McpGen.Generator.Schema;

namespace McpGen.Tests;

/// <summary>The generator's JSON reader ([McpSchema] keywords, [McpMeta] values) and the keyword merge rules.</summary>
public sealed class JsonParserTests
{
    [Theory]
    [InlineData("""{"a":[1,-2.5e3,true,false,null,"x"],"b":{}}""")]
    [InlineData("""  "text with \"escapes\" \\ \/ \n \u00e9"  """)]
    [InlineData("0")]
    [InlineData("[]")]
    public void Valid_json_round_trips(string text)
    {
        Assert.True(JsonParser.TryParse(text, out JsonNode? node, out string? error), error);
        string written = node!.ToJson();
        Assert.True(JsonParser.TryParse(written, out JsonNode? again, out _));
        Assert.Equal(written, again!.ToJson());
    }

    [Fact]
    public void Numbers_keep_their_text_and_strings_their_value()
    {
        Assert.True(JsonParser.TryParse("""{"n":1.50,"s":"a\u0062"}""", out JsonNode? node, out _));
        Assert.Equal("""{"n":1.50,"s":"ab"}""", node!.ToJson());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("""{"a":1,}""", "property name")]
    [InlineData("[1,]", "unexpected character ']'")]
    [InlineData("""{"a":1,"a":2}""", "\"a\" appears twice")]
    [InlineData("search", "strings need double quotes")]
    [InlineData("""{"a":1} x""", "after the JSON value")]
    [InlineData("\"a\tb\"", "control character")]
    [InlineData("01", "after the JSON value")]
    [InlineData("1.", "digits after '.'")]
    [InlineData("\"\\x\"", "unknown escape")]
    [InlineData("{\"a\" 1}", "expected ':'")]
    public void Invalid_json_is_refused_with_a_reason_and_position(string text, string reason)
    {
        Assert.False(JsonParser.TryParse(text, out JsonNode? node, out string? error));
        Assert.Null(node);
        Assert.Contains(reason, error);
        Assert.Contains("(at character ", error);
    }

    [Fact]
    public void Deep_nesting_is_refused()
        => Assert.False(JsonParser.TryParse(new string('[', 100) + new string(']', 100), out _, out _));

    [Theory]
    [InlineData("""{"type":"string"}""", "\"type\" follows from the C# type")]
    [InlineData("""{"x-mcp-header":"A"}""", "[McpHeader] sets x-mcp-header")]
    [InlineData("""{"properties":{},"required":[]}""", "\"properties\", \"required\" follow")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""{"$schema":"https://json-schema.org/draft/2020-12/schema"}""", "put it in [McpSchema] on the tool method")]
    [InlineData("{", "not valid JSON")]
    public void Keywords_the_type_decides_are_refused(string json, string reason)
    {
        Assert.Null(SchemaKeywords.Parse(json, isToolRoot: false, out string? error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Merge_puts_schema_first_replaces_in_place_and_moves_a_second_anyOf_into_allOf()
    {
        Assert.True(JsonParser.TryParse("""{"description":"d","anyOf":[{"$ref":"#/$defs/a"},{"type":"null"}],"default":null}""", out JsonNode? generated, out _));
        JsonObject keywords = SchemaKeywords.Parse("""{"$schema":"https://json-schema.org/draft/2020-12/schema","description":"mine","anyOf":[{"minProperties":1}]}""", isToolRoot: true, out _)!;

        JsonObject merged = SchemaKeywords.Merge((JsonObject)generated!, keywords);

        Assert.Equal(
            """{"$schema":"https://json-schema.org/draft/2020-12/schema","description":"mine","anyOf":[{"$ref":"#/$defs/a"},{"type":"null"}],"default":null,"allOf":[{"anyOf":[{"minProperties":1}]}]}""",
            merged.ToJson());
    }
}
