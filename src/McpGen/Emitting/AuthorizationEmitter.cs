using System.Linq;
using McpGen.Generator.Model;

namespace McpGen.Generator.Emitting;

/// <summary>
/// Writes a handler's authorization into its definition, as static data: <c>Authorization = new McpAuthorization(...)</c>
/// with ASP.NET Core's own <c>AuthorizeAttribute</c> objects (the runtime combines them as the authorization middleware
/// does) and the required scopes.
/// </summary>
internal static class AuthorizationEmitter
{
    /// <summary>Writes the object initializer after a definition's constructor call (<c>{ Headers = ..., Authorization = ... };</c>).</summary>
    public static void EmitInitializerMember(SourceWriter writer, AuthorizationSpec authorization)
        => writer.WriteLine($"Authorization = {Expression(authorization)},");

    /// <summary>Writes <c>{ Authorization = ... };</c>, the initializer of a definition that has nothing else in it.</summary>
    public static void EmitInitializer(SourceWriter writer, AuthorizationSpec authorization)
    {
        writer.WriteLine("{");
        writer.Indentation++;
        EmitInitializerMember(writer, authorization);
        writer.Indentation--;
        writer.WriteLine("};");
    }

    /// <summary>The <c>new McpAuthorization(...)</c> expression.</summary>
    public static string Expression(AuthorizationSpec authorization)
    {
        string rules = authorization.Rules.Count == 0
            ? $"global::System.Array.Empty<{TypeRefs.AuthorizeData}>()"
            : $"new {TypeRefs.AuthorizeData}[] {{ {string.Join(", ", authorization.Rules.Select(Rule))} }}";
        string scopes = authorization.Scopes.Count == 0
            ? "global::System.Array.Empty<string>()"
            : $"new string[] {{ {string.Join(", ", authorization.Scopes.Select(ServerEmitter.Literal))} }}";
        return $"new {TypeRefs.Authorization}({rules}, {scopes})";
    }

    private static string Rule(AuthorizeSpec rule)
    {
        var members = new System.Collections.Generic.List<string>();
        if (rule.Policy is not null)
        {
            members.Add("Policy = " + ServerEmitter.Literal(rule.Policy));
        }

        if (rule.Roles is not null)
        {
            members.Add("Roles = " + ServerEmitter.Literal(rule.Roles));
        }

        if (rule.Schemes is not null)
        {
            members.Add("AuthenticationSchemes = " + ServerEmitter.Literal(rule.Schemes));
        }

        return members.Count == 0 ? $"new {TypeRefs.AuthorizeAttribute}()" : $"new {TypeRefs.AuthorizeAttribute} {{ {string.Join(", ", members)} }}";
    }
}
