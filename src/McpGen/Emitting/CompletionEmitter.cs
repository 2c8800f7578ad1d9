using System.Linq;
using McpGen.Generator.Model;

namespace McpGen.Generator.Emitting;

/// <summary>
/// Writes one completion: a static <c>McpCompletionHandler</c> field and the method behind it. A synchronous method is
/// wrapped in <c>ValueTask.FromResult</c>; an asynchronous one (or an async-disposed server) gets an <c>async</c> wrapper.
/// </summary>
internal static class CompletionEmitter
{
    public static string FieldName(CompletionSpec completion) => "Completion_" + completion.Identifier;

    private static string HandlerName(CompletionSpec completion) => "Complete_" + completion.Identifier;

    public static void EmitCompletionField(this CompletionSpec completion, SourceWriter writer)
        => writer.WriteLine($"private static readonly {TypeRefs.CompletionHandler} {FieldName(completion)} = {HandlerName(completion)};");

    public static void EmitHandler(this CompletionSpec completion, SourceWriter writer, ServerSpec server)
    {
        bool runsAsync = completion.Await != AwaitKind.None || (!completion.IsStatic && server.Dispose == DisposeKind.AsyncDisposable);
        string result = $"{TypeRefs.ValueTask}<{TypeRefs.StringSequence}>";
        string parameters = $"{TypeRefs.CompletionContext} context, string value, {TypeRefs.CancellationToken} cancellationToken";
        string target = completion.IsStatic ? server.TypeName : "server";
        string call = $"{target}.{completion.MethodName}({ToolEmitter.ArgumentList(completion.Parameters.Select(Argument))})";
        if (completion.Await != AwaitKind.None)
        {
            call = $"await {call}.ConfigureAwait(false)";
        }

        if (completion.ResultTypeName.EndsWith("?", System.StringComparison.Ordinal))
        {
            call = $"{call} ?? global::System.Array.Empty<string>()";
        }

        using (writer.Open($"private static {(runsAsync ? "async " : string.Empty)}{result} {HandlerName(completion)}({parameters})"))
        {
            ToolEmitter.EmitWithServer(writer, server, completion.IsStatic, "CreateServer(context)", () => writer.WriteLine(runsAsync
                ? $"return {call};"
                : $"return {TypeRefs.ValueTask}.FromResult<{TypeRefs.StringSequence}>({call});"));
        }
    }

    private static string Argument(ParameterSpec parameter)
        => parameter.Source == ParameterSource.CancellationToken ? "cancellationToken" : ToolEmitter.Argument(parameter);
}
