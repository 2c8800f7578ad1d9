using System.Linq;
using McpGen.Generator.Model;

namespace McpGen.Generator.Emitting;

/// <summary>
/// Writes one prompt: its definition field and its renderer, which binds the string arguments like a tool's (a missing
/// required argument is reported on the context; the transport answers it with an invalid-params error).
/// </summary>
internal static class PromptEmitter
{
    public static string FieldName(PromptSpec prompt) => "Prompt_" + prompt.Identifier;

    private static string HandlerName(PromptSpec prompt) => "Render_" + prompt.Identifier;

    public static void EmitPromptField(this PromptSpec prompt, SourceWriter writer)
    {
        writer.WriteLine($"private static readonly {TypeRefs.PromptDefinition} {FieldName(prompt)} = new(");
        writer.Indentation++;
        writer.WriteLine(ServerEmitter.Literal(prompt.Name) + ",");
        writer.WriteLine(ServerEmitter.Utf8Literal(prompt.Json) + ".ToArray(),");
        string features = ToolEmitter.Features(prompt.Parameters);
        string end = prompt.Authorization is null ? ");" : ")";
        writer.WriteLine(features.Length > 0 ? HandlerName(prompt) + "," : HandlerName(prompt) + end);
        if (features.Length > 0)
        {
            writer.WriteLine("features: " + features + end);
        }
        writer.Indentation--;
        if (prompt.Authorization is { } authorization)
        {
            AuthorizationEmitter.EmitInitializer(writer, authorization);
        }
    }

    public static void EmitHandler(this PromptSpec prompt, SourceWriter writer, ServerSpec server)
    {
        ParameterSpec[] arguments = prompt.Parameters.Where(p => p.Source == ParameterSource.Json).ToArray();
        ToolEmitter.EmitInvoker(
            writer,
            server,
            new Invocation(HandlerName(prompt), prompt.MethodName, prompt.IsStatic, prompt.Parameters, prompt.Return),
            arguments.Length > 0 ? w => ToolEmitter.EmitBinding(w, arguments) : null,
            WriteResult);
    }

    private static string WriteResult(ReturnSpec result) => result.Kind switch
    {
        ReturnKind.PromptText => "context.WritePromptText(result);",
        ReturnKind.PromptMessage => "context.WritePromptMessage(result);",
        ReturnKind.PromptResult => "context.WritePromptResult(result);",
        _ => "context.WritePromptMessages(result);",
    };
}
