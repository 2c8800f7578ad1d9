using System;
using System.Diagnostics.CodeAnalysis;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen;

/// <summary>What the user did with an elicitation (<c>ElicitResult.action</c>).</summary>
public enum ElicitAction
{
    /// <summary>The user submitted the form (or, in URL mode, agreed to open the URL).</summary>
    Accept,

    /// <summary>The user explicitly declined.</summary>
    Decline,

    /// <summary>The user dismissed the request without choosing.</summary>
    Cancel,
}

/// <summary>The answer to a URL-mode elicitation (<see cref="McpRequestContext.ElicitUrlAsync(string, Uri, System.Threading.CancellationToken)"/>).</summary>
/// <param name="Action">What the user did.</param>
public sealed record ElicitResult(ElicitAction Action)
{
    /// <summary>Whether the user accepted.</summary>
    public bool IsAccepted => Action == ElicitAction.Accept;
}

/// <summary>The answer to a form elicitation (<see cref="McpRequestContext.ElicitAsync{T}(string, System.Threading.CancellationToken)"/>).</summary>
/// <typeparam name="T">The form type (marked <see cref="McpElicitationFormAttribute"/>).</typeparam>
/// <param name="Action">What the user did.</param>
/// <param name="Content">The submitted form: set when <paramref name="Action"/> is <see cref="ElicitAction.Accept"/>, else <see langword="null"/>.</param>
public sealed record ElicitResult<T>(ElicitAction Action, T? Content)
    where T : class
{
    /// <summary>Whether the user submitted the form (<see cref="Content"/> is then set).</summary>
    [MemberNotNullWhen(true, nameof(Content))]
    public bool IsAccepted => Action == ElicitAction.Accept && Content is not null;
}

/// <summary>
/// Marks a <c>partial</c> class or record as an elicitation form: the McpGen generator implements
/// <see cref="IMcpElicitationForm{TSelf}"/> on it, with the <c>requestedSchema</c> computed at compile time and a reader of
/// the submitted content. Ask for it with <see cref="McpRequestContext.ElicitAsync{T}(string, System.Threading.CancellationToken)"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every public instance property with a setter (or <c>init</c>), and every parameter of a record's primary constructor,
/// is a field. A form holds primitives only, as the specification allows: <see cref="string"/> (with <c>format</c> from
/// <c>[EmailAddress]</c>, <c>[Url]</c>, <see cref="Uri"/>, <see cref="DateTime"/>, <see cref="DateTimeOffset"/> or
/// <see cref="DateOnly"/>, and <c>minLength</c>/<c>maxLength</c> from <c>[MinLength]</c>, <c>[MaxLength]</c> or
/// <c>[StringLength]</c>), integers and floating-point numbers (<c>minimum</c>/<c>maximum</c> from <c>[Range]</c>),
/// <see cref="bool"/>, enums (single-select; <c>oneOf</c> with titles when a member has <c>[Description]</c>,
/// <c>enum</c> + <c>enumNames</c> with <see cref="McpLegacyEnumNamesAttribute"/>), and arrays or lists of an enum
/// (multi-select, <c>minItems</c>/<c>maxItems</c> from <c>[MinLength]</c>/<c>[MaxLength]</c>).
/// </para>
/// <para>
/// The JSON name is the camel-cased property name, or <c>[JsonPropertyName]</c>; enum values are the member names, or
/// <c>[JsonStringEnumMemberName]</c>. <c>[Description]</c> gives a field's <c>description</c> and <c>[DisplayName]</c> its
/// <c>title</c>. A field is required unless it is nullable or has a default: <c>[DefaultValue]</c>, a constant property
/// initializer or a constructor parameter default, which also becomes the schema's <c>default</c>. Analyzers MCPG0020 and
/// MCPG0021 report forms the generator cannot serve.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class McpElicitationFormAttribute : Attribute
{
}

/// <summary>
/// On an enum field of an elicitation form: describe the options with the deprecated <c>enum</c> + <c>enumNames</c>
/// schema (titles from <c>[Description]</c> on the enum members) instead of <c>oneOf</c>, for clients that predate titled
/// enums (protocol versions before 2025-11-25).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class McpLegacyEnumNamesAttribute : Attribute
{
}

/// <summary>
/// An elicitation form: the schema the client renders and a reader of what the user submitted. Implemented by the McpGen
/// generator on types marked <see cref="McpElicitationFormAttribute"/>; not meant to be implemented by hand.
/// </summary>
/// <typeparam name="TSelf">The form type.</typeparam>
public interface IMcpElicitationForm<TSelf>
    where TSelf : class, IMcpElicitationForm<TSelf>
{
    /// <summary>The <c>requestedSchema</c> object as UTF-8 JSON, computed at compile time.</summary>
    static abstract ReadOnlySpan<byte> RequestedSchema { get; }

    /// <summary>Reads the <c>content</c> object of an accepted elicitation.</summary>
    /// <param name="json">The UTF-8 JSON of the <c>content</c> object.</param>
    /// <param name="content">The form, when the content is valid.</param>
    /// <param name="error">What is wrong with the content, when it is not valid.</param>
    /// <returns>Whether the content is a valid form.</returns>
    static abstract bool TryReadContent(ReadOnlySpan<byte> json, [NotNullWhen(true)] out TSelf? content, [NotNullWhen(false)] out string? error);
}
