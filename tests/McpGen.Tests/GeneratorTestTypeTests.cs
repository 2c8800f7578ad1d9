namespace McpGen.Tests;

/// <summary>
/// The checked-in snapshots, checked a second way through the official generator test type: the exact set of generated
/// files and their text, no generator diagnostic, and an output that compiles with no warning against the reference
/// assemblies (not the test's runtime assemblies, as the snapshot tests use).
/// </summary>
public sealed class GeneratorTestTypeTests
{
    [Fact]
    public Task Weather_generates_exactly_its_snapshot()
        => new McpGeneratorTest(TestSources.Weather)
            .ExpectingSnapshot(nameof(SnapshotTests.Weather), "Sample.WeatherServer.McpServer.g.cs")
            .RunAsync();

    [Fact]
    public Task Inheritance_generates_exactly_its_two_snapshots()
        => new McpGeneratorTest(TestSources.Inheritance)
            .ExpectingSnapshot(nameof(SnapshotTests.Inheritance), "Inheritance.DerivedServer.McpServer.g.cs")
            .ExpectingSnapshot(nameof(SnapshotTests.Inheritance), "Inheritance.OtherServer.McpServer.g.cs")
            .RunAsync();

    [Fact]
    public Task Forms_generate_exactly_their_snapshots()
        => new McpGeneratorTest(TestSources.Forms)
            .ExpectingSnapshot(nameof(ElicitationFormTests.FormsSnapshot), "Forms.Contact.McpElicitationForm.g.cs")
            .ExpectingSnapshot(nameof(ElicitationFormTests.FormsSnapshot), "Forms.Outer.Inner.McpElicitationForm.g.cs")
            .ExpectingSnapshot(nameof(ElicitationFormTests.FormsSnapshot), "Forms.Sep1034Defaults.McpElicitationForm.g.cs")
            .ExpectingSnapshot(nameof(ElicitationFormTests.FormsSnapshot), "Forms.Sep1330Enums.McpElicitationForm.g.cs")
            .RunAsync();
}
