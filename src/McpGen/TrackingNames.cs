namespace McpGen.Generator;

/// <summary>Names of the incremental pipeline stages (<c>WithTrackingName</c>); tests enumerate them by reflection.</summary>
internal static class TrackingNames
{
    /// <summary>The <c>[McpServer]</c> classes turned into specs (null for skipped, invalid classes).</summary>
    public const string ServerSpecs = nameof(ServerSpecs);

    /// <summary>The valid server specs that get a generated file.</summary>
    public const string ValidServerSpecs = nameof(ValidServerSpecs);

    /// <summary>The <c>[McpElicitationForm]</c> types turned into specs (null for skipped, invalid forms).</summary>
    public const string ElicitationFormSpecs = nameof(ElicitationFormSpecs);

    /// <summary>The valid elicitation form specs that get a generated file.</summary>
    public const string ValidElicitationFormSpecs = nameof(ValidElicitationFormSpecs);
}
