using Microsoft.CodeAnalysis;

namespace McpGen.Analyzers;

/// <summary>The effective session mode of an [McpServer] class; values match <c>McpGen.McpSessionMode</c>.</summary>
internal enum SessionMode
{
    Stateless = 0,
    Sticky = 1,
    Store = 2,
}

/// <summary>
/// The session settings written on [McpServer]. The effective mode: <c>Session</c> when written; otherwise Sticky for
/// <c>Stateless = false</c>; otherwise Stateless. Must stay the rule of <c>ServerParser.SessionMode</c> in
/// src/McpGen/Parsing/ServerParser.cs.
/// </summary>
internal readonly struct ServerSettings
{
    private ServerSettings(bool? stateless, SessionMode? session)
    {
        Stateless = stateless;
        Session = session;
    }

    /// <summary>The explicit <c>Stateless</c> value, if written.</summary>
    public bool? Stateless { get; }

    /// <summary>The explicit <c>Session</c> value, if written.</summary>
    public SessionMode? Session { get; }

    public SessionMode Mode => Session ?? (Stateless == false ? SessionMode.Sticky : SessionMode.Stateless);

    /// <summary><c>Stateless = true</c> with a session mode, or <c>Stateless = false</c> with <c>Session = Stateless</c>.</summary>
    public bool IsConflicting => Stateless is { } stateless && Session is { } session && stateless != (session == SessionMode.Stateless);

    public static ServerSettings Read(AttributeData attribute)
    {
        bool? stateless = null;
        SessionMode? session = null;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == "Stateless" && argument.Value.Value is bool value)
            {
                stateless = value;
            }
            else if (argument.Key == "Session" && argument.Value.Value is int mode)
            {
                session = (SessionMode)mode;
            }
        }

        return new ServerSettings(stateless, session);
    }
}
