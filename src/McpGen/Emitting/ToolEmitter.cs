using System;
using System.Collections.Generic;
using System.Linq;
using McpGen.Generator.Model;

namespace McpGen.Generator.Emitting;

/// <summary>
/// Writes one tool: its definition field and its handler. The handler binds the arguments synchronously, calls the
/// method, and writes the result; an async method is awaited in a separate helper so the sync path allocates nothing
/// extra. Exceptions are not caught here: the transport turns them into <c>isError</c> results.
/// </summary>
internal static class ToolEmitter
{
    public static string FieldName(ToolSpec tool) => "Tool_" + tool.Identifier;

    private static string HandlerName(ToolSpec tool) => "Invoke_" + tool.Identifier;

    private static string AsyncHandlerName(ToolSpec tool) => "Invoke_" + tool.Identifier + "_Async";

    private static string Seen(ParameterSpec parameter) => "has_" + parameter.Name;

    public static void EmitToolField(this ToolSpec tool, SourceWriter writer)
    {
        writer.WriteLine($"private static readonly {TypeRefs.ToolDefinition} {FieldName(tool)} = new(");
        writer.Indentation++;
        writer.WriteLine(ServerEmitter.Literal(tool.Name) + ",");
        writer.WriteLine(ServerEmitter.Utf8Literal(tool.Json) + ".ToArray(),");
        string features = Features(tool);
        bool initialized = tool.Headers.Count > 0 || tool.Authorization is not null || tool.TaskSupport is not null;
        string end = initialized ? ")" : ");";
        writer.WriteLine(features.Length == 0 ? HandlerName(tool) + end : HandlerName(tool) + ",");
        if (features.Length > 0)
        {
            writer.WriteLine(features + end);
        }

        writer.Indentation--;
        if (initialized)
        {
            EmitInitializer(tool, writer);
        }
    }

    /// <summary>
    /// The definition's initializer: the <c>Mcp-Param-*</c> headers the transport checks against the arguments of
    /// 2026-07-28 calls, who may call the tool, and whether its calls may become tasks.
    /// </summary>
    private static void EmitInitializer(ToolSpec tool, SourceWriter writer)
    {
        writer.WriteLine("{");
        writer.Indentation++;
        if (tool.Headers.Count > 0)
        {
            writer.WriteLine($"Headers = new {TypeRefs.ToolHeader}[]");
            using (writer.Open(string.Empty, "},"))
            {
                foreach (HeaderSpec header in tool.Headers)
                {
                    writer.WriteLine($"new({ServerEmitter.Literal(header.Name)}, {ServerEmitter.Literal(header.Argument)}),");
                }
            }
        }

        if (tool.Authorization is { } authorization)
        {
            AuthorizationEmitter.EmitInitializerMember(writer, authorization);
        }

        if (tool.TaskSupport is { } taskSupport)
        {
            writer.WriteLine($"TaskSupport = {TypeRefs.TaskSupport}.{taskSupport},");
            if (tool.Rerunnable)
            {
                writer.WriteLine("Rerunnable = true,");
            }
        }

        writer.Indentation--;
        writer.WriteLine("};");
    }

    public static void EmitHandler(this ToolSpec tool, SourceWriter writer, ServerSpec server)
    {
        ParameterSpec[] arguments = tool.Parameters.Where(p => p.Source == ParameterSource.Json).ToArray();
        EmitInvoker(
            writer,
            server,
            new Invocation(HandlerName(tool), tool.MethodName, tool.IsStatic, tool.Parameters, tool.Return),
            arguments.Length > 0 ? w => EmitBinding(w, arguments) : null,
            WriteResult);
    }

    /// <summary>
    /// Writes the handler of a tool, resource or prompt: <paramref name="bind"/> binds the inputs synchronously (locals
    /// named <c>arg_x</c>), then the method is called and <paramref name="write"/> gives the statement writing its result.
    /// An async call (or an async-disposed server) moves the call into a separate <c>_Async</c> helper.
    /// </summary>
    public static void EmitInvoker(SourceWriter writer, ServerSpec server, Invocation invocation, Action<SourceWriter>? bind, Func<ReturnSpec, string> write)
    {
        bool runsAsync = invocation.Return.Await != AwaitKind.None || (!invocation.IsStatic && server.Dispose == DisposeKind.AsyncDisposable);
        ParameterSpec[] bound = invocation.Parameters.Where(IsBound).ToArray();
        using (writer.Open($"private static {TypeRefs.ValueTask} {invocation.HandlerName}({TypeRefs.HandlerContext} context)"))
        {
            if (bind is not null)
            {
                bind(writer);
                writer.WriteLine();
            }

            if (runsAsync)
            {
                string passed = string.Concat(bound.Select(a => ", " + Local(a)));
                writer.WriteLine($"return {invocation.HandlerName}_Async(context{passed});");
            }
            else
            {
                EmitCall(writer, invocation, server, write);
                writer.WriteLine("return default;");
            }
        }

        if (runsAsync)
        {
            writer.WriteLine();
            string parameters = string.Concat(bound.Select(p => $", {p.TypeName} {Local(p)}"));
            using (writer.Open($"private static async {TypeRefs.ValueTask} {invocation.HandlerName}_Async({TypeRefs.HandlerContext} context{parameters})"))
            {
                EmitCall(writer, invocation, server, write);
            }
        }
    }

    /// <summary>The local holding a bound argument or template variable.</summary>
    public static string Local(ParameterSpec parameter) => "arg_" + parameter.Name;

    private static bool IsBound(ParameterSpec parameter) => parameter.Source is ParameterSource.Json or ParameterSource.UriVariable;

    /// <summary>Binds JSON arguments with <c>McpArgumentReader</c>, reporting missing and invalid ones.</summary>
    public static void EmitBinding(SourceWriter writer, ParameterSpec[] arguments)
    {
        foreach (ParameterSpec argument in arguments)
        {
            writer.WriteLine($"{argument.TypeName} {Local(argument)} = {InitialValue(argument)};");
            if (argument.IsRequired)
            {
                writer.WriteLine($"bool {Seen(argument)} = false;");
            }
        }

        writer.WriteLine($"var args = new {TypeRefs.ArgumentReader}(context);");
        using (writer.Open("while (args.MoveNext())"))
        {
            string keyword = "if";
            foreach (ParameterSpec argument in arguments)
            {
                using (writer.Open($"{keyword} (args.NameIs({ServerEmitter.Literal(argument.Name)}u8))"))
                {
                    EmitArgument(writer, argument);
                }

                keyword = "else if";
            }

            using (writer.Open("else"))
            {
                writer.WriteLine("args.Skip();");
            }
        }

        foreach (ParameterSpec argument in arguments.Where(a => a.IsRequired))
        {
            writer.WriteLine();
            using (writer.Open($"if (!{Seen(argument)})"))
            {
                writer.WriteLine($"context.ReportMissingArgument({ServerEmitter.Literal(argument.Name)}, {ServerEmitter.Literal(argument.Expected)});");
            }
        }

        writer.WriteLine();
        using (writer.Open("if (context.HasArgumentErrors)"))
        {
            writer.WriteLine("return default;");
        }
    }

    private static string InitialValue(ParameterSpec argument)
    {
        if (argument.DefaultLiteral is { } literal)
        {
            return literal == "null" && !argument.AllowsNull ? "null!" : literal;
        }

        return argument.AllowsNull || argument.IsNullableValueType ? "default" : "default!";
    }

    private static void EmitArgument(SourceWriter writer, ParameterSpec argument)
    {
        if (argument.IsRequired)
        {
            writer.WriteLine($"{Seen(argument)} = true;");
        }

        using (writer.Open("if (args.IsNull)"))
        {
            if (argument.AllowsNull)
            {
                writer.WriteLine("args.Skip();");
                writer.WriteLine($"{Local(argument)} = null;");
            }
            else if (argument.DefaultLiteral is not null)
            {
                writer.WriteLine("args.Skip();");
            }
            else
            {
                writer.WriteLine($"args.Invalid({ServerEmitter.Literal(argument.Name)}, {ServerEmitter.Literal(argument.Expected)});");
            }
        }

        using (writer.Open("else"))
        {
            EmitRead(writer, argument);
        }
    }

    private static void EmitRead(SourceWriter writer, ParameterSpec argument)
    {
        string name = ServerEmitter.Literal(argument.Name);
        switch (argument.Kind)
        {
            case ArgumentKind.Enum:
                EmitEnumRead(writer, argument);
                break;
            case ArgumentKind.Json when argument.IsNullableValueType:
                using (writer.Open($"if (args.TryReadJson({name}, {ServerEmitter.Literal(argument.Expected)}, context.GetTypeInfo<{argument.ValueTypeName}>(), out {argument.ValueTypeName} value)))"))
                {
                    writer.WriteLine($"{Local(argument)} = value;");
                }

                break;
            case ArgumentKind.Json:
                writer.WriteLine($"args.TryReadJson({name}, {ServerEmitter.Literal(argument.Expected)}, context.GetTypeInfo<{argument.ValueTypeName}>(), out {Local(argument)});");
                break;
            default:
                if (argument.IsNullableValueType)
                {
                    using (writer.Open($"if (args.TryRead{argument.Kind}({name}, out {argument.ValueTypeName} value))"))
                    {
                        writer.WriteLine($"{Local(argument)} = value;");
                    }
                }
                else
                {
                    writer.WriteLine($"args.TryRead{argument.Kind}({name}, out {Local(argument)});");
                }

                break;
        }
    }

    private static void EmitEnumRead(SourceWriter writer, ParameterSpec argument)
    {
        // UTF-8 comparisons: a valid enum argument allocates nothing; only the error path describes the value.
        string keyword = "if";
        foreach (EnumMemberSpec member in argument.EnumMembers)
        {
            using (writer.Open($"{keyword} (args.TryMatchString({ServerEmitter.Literal(member.JsonName)}u8))"))
            {
                writer.WriteLine($"{Local(argument)} = {member.Member};");
            }

            keyword = "else if";
        }

        using (writer.Open("else"))
        {
            writer.WriteLine($"args.Invalid({ServerEmitter.Literal(argument.Name)}, {ServerEmitter.Literal(argument.Expected)});");
        }
    }

    private static void EmitCall(SourceWriter writer, Invocation invocation, ServerSpec server, Func<ReturnSpec, string> write)
    {
        string target = invocation.IsStatic ? server.TypeName : "server";
        string call = $"{target}.{invocation.MethodName}({ArgumentList(invocation.Parameters.Select(Argument))})";
        if (invocation.Return.Await != AwaitKind.None)
        {
            call = $"await {call}.ConfigureAwait(false)";
        }

        EmitWithServer(writer, server, invocation.IsStatic, "CreateServer(context)", () => EmitCallAndResult(writer, invocation.Return, call, write));
    }

    /// <summary>
    /// Writes <paramref name="body"/>, preceded by the creation of the server instance (for instance methods) and followed by
    /// its disposal (in a <c>finally</c>) when the server is disposable.
    /// </summary>
    public static void EmitWithServer(SourceWriter writer, ServerSpec server, bool isStatic, string create, Action body)
    {
        if (isStatic || server.Dispose == DisposeKind.None)
        {
            if (!isStatic)
            {
                writer.WriteLine($"{server.TypeName} server = {create};");
            }

            body();
            return;
        }

        writer.WriteLine($"{server.TypeName} server = {create};");
        using (writer.Open("try"))
        {
            body();
        }

        using (writer.Open("finally"))
        {
            writer.WriteLine(server.Dispose == DisposeKind.AsyncDisposable
                ? $"await (({TypeRefs.AsyncDisposable})server).DisposeAsync().ConfigureAwait(false);"
                : $"(({TypeRefs.Disposable})server).Dispose();");
        }
    }

    /// <summary>The arguments of a call, one per line when they would not read on one line (service lookups are long).</summary>
    public static string ArgumentList(IEnumerable<string> arguments)
    {
        string[] list = arguments.ToArray();
        string argumentList = string.Join(", ", list);
        return argumentList.Length > 80 ? "\n    " + string.Join(",\n    ", list) : argumentList;
    }

    private static void EmitCallAndResult(SourceWriter writer, ReturnSpec result, string call, Func<ReturnSpec, string> write)
    {
        if (result.Kind == ReturnKind.Void)
        {
            writer.WriteLine(call + ";");
            writer.WriteLine("context.WriteEmpty();");
            return;
        }

        writer.WriteLine($"{result.TypeName} result = {call};");
        writer.WriteLine(write(result));
    }

    private static string WriteResult(ReturnSpec result) => result.Kind switch
    {
        ReturnKind.Text => "context.WriteText(result);",
        ReturnKind.Content or ReturnKind.ContentList => "context.WriteContent(result);",
        ReturnKind.Result => "context.WriteResult(result);",
        ReturnKind.Structured => $"context.WriteStructured<{result.TypeName}>(result, context.GetTypeInfo<{result.TypeName}>(), {(result.Wrapped ? "true" : "false")});",
        _ => $"context.WriteText({PrimitiveText(result)});",
    };

    private static string PrimitiveText(ReturnSpec result)
    {
        if (result.IsNullableValueType)
        {
            return $"result is {{ }} value ? {TypeRefs.Json}.ToJsonText({PrimitiveValue(result.Primitive, "value")}) : \"null\"";
        }

        return result.Primitive == ArgumentKind.Uri
            ? $"result is null ? \"null\" : {TypeRefs.Json}.ToJsonText(result.ToString())"
            : $"{TypeRefs.Json}.ToJsonText({PrimitiveValue(result.Primitive, "result")})";
    }

    private static string PrimitiveValue(ArgumentKind kind, string value) => kind switch
    {
        ArgumentKind.SByte or ArgumentKind.Int16 or ArgumentKind.Int32 or ArgumentKind.Int64 => $"(long){value}",
        ArgumentKind.Byte or ArgumentKind.UInt16 or ArgumentKind.UInt32 or ArgumentKind.UInt64 => $"(ulong){value}",
        ArgumentKind.Enum or ArgumentKind.Char or ArgumentKind.Uri => $"{value}.ToString()",
        _ => value,
    };

    /// <summary>The expression passed for a parameter (inside a handler whose context parameter is <c>context</c>).</summary>
    public static string Argument(ParameterSpec parameter) => parameter.Source switch
    {
        ParameterSource.Json or ParameterSource.UriVariable => Local(parameter),
        ParameterSource.CompletionValue => "value",
        ParameterSource.CompletionContext => "context",
        ParameterSource.CancellationToken => "context.CancellationToken",
        ParameterSource.HttpContext => "context.Request.HttpContext",
        ParameterSource.User => "context.Request.User",
        ParameterSource.Services => "context.Services",
        ParameterSource.RequestContext => "context.Request",
        ParameterSource.Progress => "context.Progress",
        _ => ServerEmitter.ServiceExpression(parameter.Service!),
    };

    private static string Features(ToolSpec tool) => Features(tool.Progress, tool.Logging);

    /// <summary>
    /// The <c>McpHandlerFeatures</c> of a handler with these parameters (empty for none): progress from an
    /// <c>IProgress&lt;McpProgress&gt;</c> or the request context, the request context itself (logs, client input).
    /// </summary>
    public static string Features(EquatableArray<ParameterSpec> parameters)
        => Features(
            parameters.Any(p => p.Source is ParameterSource.Progress or ParameterSource.RequestContext),
            parameters.Any(p => p.Source is ParameterSource.RequestContext));

    private static string Features(bool progress, bool requestContext)
    {
        var flags = new List<string>();
        if (progress)
        {
            flags.Add(TypeRefs.HandlerFeatures + ".Progress");
        }

        if (requestContext)
        {
            flags.Add(TypeRefs.HandlerFeatures + ".RequestContext");
        }

        return string.Join(" | ", flags);
    }
}

/// <summary>What a handler calls: its name, the method, and how the result comes back.</summary>
internal readonly record struct Invocation(string HandlerName, string MethodName, bool IsStatic, EquatableArray<ParameterSpec> Parameters, ReturnSpec Return);
