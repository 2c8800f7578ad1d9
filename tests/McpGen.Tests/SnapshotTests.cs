namespace McpGen.Tests;

public sealed class SnapshotTests
{
    [Fact]
    public void Weather() => GeneratorHarness.VerifySnapshots(GeneratorHarness.RunClean(TestSources.Weather));

    [Fact]
    public void Schemas() => GeneratorHarness.VerifySnapshots(GeneratorHarness.RunClean(TestSources.Schemas));

    [Fact]
    public void Specials() => GeneratorHarness.VerifySnapshots(GeneratorHarness.RunClean(TestSources.Specials));

    [Fact]
    public void Returns() => GeneratorHarness.VerifySnapshots(GeneratorHarness.RunClean(TestSources.Returns));

    [Fact]
    public void Resources() => GeneratorHarness.VerifySnapshots(GeneratorHarness.RunClean(TestSources.Resources));

    [Fact]
    public void Metadata() => GeneratorHarness.VerifySnapshots(GeneratorHarness.RunClean(TestSources.Metadata));

    [Fact]
    public void Inheritance() => GeneratorHarness.VerifySnapshots(GeneratorHarness.RunClean(TestSources.Inheritance));
}
