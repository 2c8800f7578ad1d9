using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using McpGen;

namespace Everything;

// The elicitation forms of the conformance fixtures. McpGen generates each one's requestedSchema at compile time and a
// reader of what the user submits ([McpElicitationForm]); the JSON names are the camel-cased property names.

/// <summary>test_elicitation: the user's name and email (tools-call-elicitation).</summary>
[McpElicitationForm]
public sealed partial record UserInfo(
    [property: Description("User's response")] string Username,
    [property: Description("User's email address"), EmailAddress] string Email);

/// <summary>SEP-1034: a default for every primitive type.</summary>
[McpElicitationForm]
public sealed partial class DefaultsForm
{
    [Description("User name")]
    public string Name { get; init; } = "John Doe";

    [Description("User age")]
    public int Age { get; init; } = 30;

    [Description("User score")]
    public double Score { get; init; } = 95.5;

    [Description("User status")]
    public AccountStatus Status { get; init; } = AccountStatus.Active;

    [Description("Verification status")]
    public bool Verified { get; init; } = true;
}

/// <summary>The status choices of <see cref="DefaultsForm"/>.</summary>
public enum AccountStatus
{
    /// <summary>Active.</summary>
    [JsonStringEnumMemberName("active")] Active,

    /// <summary>Inactive.</summary>
    [JsonStringEnumMemberName("inactive")] Inactive,

    /// <summary>Pending.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
}

/// <summary>SEP-1330: the five enum shapes (single and multi select, with and without titles, and the legacy enumNames).</summary>
[McpElicitationForm]
public sealed partial class EnumsForm
{
    [Description("Untitled single-select")]
    public PlainOption? UntitledSingle { get; init; }

    [Description("Titled single-select")]
    public TitledOption? TitledSingle { get; init; }

    [Description("Legacy titled enum"), McpLegacyEnumNames]
    public LegacyOption? LegacyEnum { get; init; }

    [Description("Untitled multi-select")]
    public IReadOnlyList<PlainOption>? UntitledMulti { get; init; }

    [Description("Titled multi-select")]
    public IReadOnlyList<TitledChoice>? TitledMulti { get; init; }
}

/// <summary>Options without titles.</summary>
public enum PlainOption
{
    /// <summary>The first.</summary>
    [JsonStringEnumMemberName("option1")] Option1,

    /// <summary>The second.</summary>
    [JsonStringEnumMemberName("option2")] Option2,

    /// <summary>The third.</summary>
    [JsonStringEnumMemberName("option3")] Option3,
}

/// <summary>Options with titles (oneOf).</summary>
public enum TitledOption
{
    /// <summary>The first.</summary>
    [JsonStringEnumMemberName("value1"), Description("First Option")] Value1,

    /// <summary>The second.</summary>
    [JsonStringEnumMemberName("value2"), Description("Second Option")] Value2,

    /// <summary>The third.</summary>
    [JsonStringEnumMemberName("value3"), Description("Third Option")] Value3,
}

/// <summary>Options with titles, sent as the deprecated enum + enumNames.</summary>
public enum LegacyOption
{
    /// <summary>The first.</summary>
    [JsonStringEnumMemberName("opt1"), Description("Option One")] Opt1,

    /// <summary>The second.</summary>
    [JsonStringEnumMemberName("opt2"), Description("Option Two")] Opt2,

    /// <summary>The third.</summary>
    [JsonStringEnumMemberName("opt3"), Description("Option Three")] Opt3,
}

/// <summary>Choices with titles (anyOf items).</summary>
public enum TitledChoice
{
    /// <summary>The first.</summary>
    [JsonStringEnumMemberName("value1"), Description("First Choice")] Value1,

    /// <summary>The second.</summary>
    [JsonStringEnumMemberName("value2"), Description("Second Choice")] Value2,

    /// <summary>The third.</summary>
    [JsonStringEnumMemberName("value3"), Description("Third Choice")] Value3,
}

/// <summary>One required name.</summary>
[McpElicitationForm]
public sealed partial record NameAnswer(string Name);

/// <summary>One required favourite colour.</summary>
[McpElicitationForm]
public sealed partial record ColorAnswer(string Color);

/// <summary>One required yes/no.</summary>
[McpElicitationForm]
public sealed partial record Confirmation(bool Ok);

/// <summary>One required value.</summary>
[McpElicitationForm]
public sealed partial record ValueAnswer(string Value);

/// <summary>One required context text (the MRTR prompt).</summary>
[McpElicitationForm]
public sealed partial record ContextAnswer(string Context);

/// <summary>confirm_delete (Tasks): whether to delete the file.</summary>
[McpElicitationForm]
public sealed partial record DeleteConfirmation([property: Description("Delete the file?")] bool Confirm);
