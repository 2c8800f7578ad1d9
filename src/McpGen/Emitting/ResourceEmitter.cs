using System.Linq;
using McpGen.Generator.Model;

namespace McpGen.Generator.Emitting;

/// <summary>
/// Writes one resource: its definition field, its reader and, for a template, its matcher. A matcher checks the literal
/// prefix and suffix, then takes each variable up to the next literal (a <c>{var}</c> never spans a <c>/</c>; a
/// <c>{+var}</c> may), percent-decoding the captured text. No regular expressions.
/// </summary>
internal static class ResourceEmitter
{
    public static string FieldName(ResourceSpec resource) => "Resource_" + resource.Identifier;

    public static string MatcherName(ResourceSpec resource) => "TryMatch_" + resource.Identifier;

    private static string HandlerName(ResourceSpec resource) => "Read_" + resource.Identifier;

    private static string Captured(string variable) => "uri_" + variable;

    public static void EmitResourceField(this ResourceSpec resource, SourceWriter writer)
    {
        writer.WriteLine($"private static readonly {TypeRefs.ResourceDefinition} {FieldName(resource)} = new(");
        writer.Indentation++;
        writer.WriteLine(ServerEmitter.Literal(resource.Uri) + ",");
        writer.WriteLine((resource.IsTemplate ? "true" : "false") + ",");
        writer.WriteLine(ServerEmitter.Utf8Literal(resource.Json) + ".ToArray(),");
        var lines = new System.Collections.Generic.List<string> { HandlerName(resource) };
        if (resource.Subscribable)
        {
            lines.Add("subscribable: true");
        }

        string features = ToolEmitter.Features(resource.Parameters);
        if (features.Length > 0)
        {
            lines.Add("features: " + features);
        }

        for (int i = 0; i < lines.Count; i++)
        {
            writer.WriteLine(lines[i] + (i < lines.Count - 1 ? "," : resource.Authorization is null ? ");" : ")"));
        }

        writer.Indentation--;
        if (resource.Authorization is { } authorization)
        {
            AuthorizationEmitter.EmitInitializer(writer, authorization);
        }
    }

    public static void EmitHandler(this ResourceSpec resource, SourceWriter writer, ServerSpec server)
    {
        ToolEmitter.EmitInvoker(
            writer,
            server,
            new Invocation(HandlerName(resource), resource.MethodName, resource.IsStatic, resource.Parameters, resource.Return),
            resource.IsTemplate ? w => EmitVariables(w, resource) : null,
            result => WriteResult(resource, result));
    }

    /// <summary>The statement that finds <paramref name="resource"/> for <c>uri</c> in <c>FindResource</c>.</summary>
    public static string MatchCall(ResourceSpec resource)
        => $"{MatcherName(resource)}(uri{string.Concat(resource.Template.Where(p => p.IsVariable).Select(_ => ", out _"))})";

    /// <summary>Writes <c>bool TryMatch_x(string uri, out string var1, ...)</c>.</summary>
    public static void EmitMatcher(this ResourceSpec resource, SourceWriter writer)
    {
        UriTemplatePartSpec[] parts = resource.Template.ToArray();
        string[] variables = parts.Where(p => p.IsVariable).Select(p => Identifier(p.Text)).ToArray();
        string outs = string.Concat(variables.Select(v => ", out string " + v));
        string prefix = parts[0].IsVariable ? string.Empty : parts[0].Text;
        string suffix = parts.Length > 1 && !parts[parts.Length - 1].IsVariable ? parts[parts.Length - 1].Text : string.Empty;
        int minimum = parts.Sum(p => p.IsVariable ? 1 : p.Text.Length);
        using (writer.Open($"private static bool {MatcherName(resource)}(string uri{outs})"))
        {
            foreach (string variable in variables)
            {
                writer.WriteLine($"{variable} = string.Empty;");
            }

            string condition = $"uri.Length < {ServerEmitter.Invariant(minimum)}";
            if (prefix.Length > 0)
            {
                condition += $"\n    || !uri.StartsWith({ServerEmitter.Literal(prefix)}, {TypeRefs.Ordinal})";
            }

            if (suffix.Length > 0)
            {
                condition += $"\n    || !uri.EndsWith({ServerEmitter.Literal(suffix)}, {TypeRefs.Ordinal})";
            }

            using (writer.Open("if (" + condition + ")"))
            {
                writer.WriteLine("return false;");
            }

            writer.WriteLine();
            writer.WriteLine(suffix.Length > 0 ? $"int end = uri.Length - {ServerEmitter.Invariant(suffix.Length)};" : "int end = uri.Length;");
            writer.WriteLine($"int position = {ServerEmitter.Invariant(prefix.Length)};");
            int first = prefix.Length > 0 ? 1 : 0;
            int last = suffix.Length > 0 ? parts.Length - 2 : parts.Length - 1;
            for (int i = first; i <= last; i += 2)
            {
                UriTemplatePartSpec variable = parts[i];
                string reserved = variable.Reserved ? "true" : "false";
                if (i == last)
                {
                    using (writer.Open($"if (!TryCapture(uri, position, end, {reserved}, out {Identifier(variable.Text)}))"))
                    {
                        writer.WriteLine("return false;");
                    }

                    continue;
                }

                string literal = parts[i + 1].Text;
                writer.WriteLine($"int next{ServerEmitter.Invariant(i)} = FindLiteral(uri, position, end, {ServerEmitter.Literal(literal)});");
                using (writer.Open($"if (next{ServerEmitter.Invariant(i)} < 0 || !TryCapture(uri, position, next{ServerEmitter.Invariant(i)}, {reserved}, out {Identifier(variable.Text)}))"))
                {
                    writer.WriteLine("return false;");
                }

                writer.WriteLine();
                writer.WriteLine($"position = next{ServerEmitter.Invariant(i)} + {ServerEmitter.Invariant(literal.Length)};");
            }

            writer.WriteLine();
            writer.WriteLine("return true;");
        }
    }

    /// <summary>Writes the helpers every matcher uses (once per server with templates).</summary>
    public static void EmitMatcherHelpers(SourceWriter writer)
    {
        writer.WriteLine($$"""
            private static bool TryCapture(string uri, int start, int end, bool reserved, out string value)
            {
                value = string.Empty;
                if (end <= start || (!reserved && uri.IndexOf('/', start, end - start) >= 0))
                {
                    return false;
                }

                value = global::System.Uri.UnescapeDataString(uri.Substring(start, end - start));
                return true;
            }

            private static int FindLiteral(string uri, int start, int end, string literal)
                => end - start - 1 < literal.Length ? -1 : uri.IndexOf(literal, start + 1, end - start - 1, {{TypeRefs.Ordinal}});
            """);
    }

    private static void EmitVariables(SourceWriter writer, ResourceSpec resource)
    {
        ParameterSpec[] bound = resource.Parameters.Where(p => p.Source == ParameterSource.UriVariable).ToArray();
        string outs = string.Concat(resource.Template.Where(p => p.IsVariable).Select(p =>
            bound.Any(b => b.Name == p.Text) ? ", out string " + Captured(p.Text) : ", out _"));
        using (writer.Open($"if (!{MatcherName(resource)}(context.ResourceUri{outs}))"))
        {
            string message = $"The URI does not match the resource template {resource.Uri}.";
            writer.WriteLine($"throw new {TypeRefs.ToolException}({ServerEmitter.Literal(message)});");
        }

        foreach (ParameterSpec parameter in bound)
        {
            writer.WriteLine();
            EmitParse(writer, parameter);
        }
    }

    private static void EmitParse(SourceWriter writer, ParameterSpec parameter)
    {
        string captured = Captured(parameter.Name);
        string local = ToolEmitter.Local(parameter);
        string invalid = $"throw new {TypeRefs.ToolException}(\"Invalid value '\" + {captured} + {ServerEmitter.Literal("' for the resource template variable '" + parameter.Name + "': expected " + parameter.Expected + ".")});";
        string? tryParse = parameter.Kind switch
        {
            ArgumentKind.Int32 => $"int.TryParse({captured}, {TypeRefs.NumberStyles}.Integer, {TypeRefs.Invariant}, out int {local})",
            ArgumentKind.Int64 => $"long.TryParse({captured}, {TypeRefs.NumberStyles}.Integer, {TypeRefs.Invariant}, out long {local})",
            ArgumentKind.Double => $"double.TryParse({captured}, {TypeRefs.NumberStyles}.Float, {TypeRefs.Invariant}, out double {local})",
            ArgumentKind.Boolean => $"bool.TryParse({captured}, out bool {local})",
            ArgumentKind.Guid => $"global::System.Guid.TryParse({captured}, out global::System.Guid {local})",
            _ => null,
        };
        if (tryParse is not null)
        {
            using (writer.Open($"if (!{tryParse})"))
            {
                writer.WriteLine(invalid);
            }

            return;
        }

        if (parameter.Kind != ArgumentKind.Enum)
        {
            writer.WriteLine($"{parameter.TypeName} {local} = {captured};");
            return;
        }

        writer.WriteLine($"{parameter.TypeName} {local};");
        using (writer.Open($"switch ({captured})"))
        {
            foreach (EnumMemberSpec member in parameter.EnumMembers)
            {
                writer.WriteLine($"case {ServerEmitter.Literal(member.JsonName)}:");
                writer.WriteLine($"    {local} = {member.Member};");
                writer.WriteLine("    break;");
            }

            writer.WriteLine("default:");
            writer.WriteLine("    " + invalid);
        }
    }

    private static string WriteResult(ResourceSpec resource, ReturnSpec result)
    {
        string value = result.TypeName.EndsWith("?", System.StringComparison.Ordinal) ? "result ?? string.Empty" : "result";
        return result.Kind switch
        {
            ReturnKind.ResourceText => $"context.WriteResourceText({value}, {ServerEmitter.Literal(resource.MimeType ?? "text/plain")});",
            ReturnKind.ResourceBlob => $"context.WriteResourceBlob(result, {ServerEmitter.Literal(resource.MimeType ?? "application/octet-stream")});",
            _ => "context.WriteResourceContents(result);",
        };
    }

    private static string Identifier(string name) => "var_" + name;
}
