using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using McpGen.Protocol;

namespace McpGen.Tasks;

/// <summary>
/// The extension's wire: its identifier, whether a request declares it, its errors, and the task objects
/// (<c>CreateTaskResult</c>, the <c>DetailedTask</c> of <c>tasks/get</c> and <c>notifications/tasks</c>).
/// </summary>
internal static class McpTaskWire
{
    /// <summary>The extension identifier.</summary>
    public const string Extension = "io.modelcontextprotocol/tasks";

    /// <summary><c>data.requiredCapabilities</c> of the -32021 error.</summary>
    public const string RequiredCapabilities = """{"extensions":{"io.modelcontextprotocol/tasks":{}}}""";

    /// <summary>
    /// Whether raw client capabilities (<c>_meta["io.modelcontextprotocol/clientCapabilities"]</c>) declare the
    /// extension: <c>extensions["io.modelcontextprotocol/tasks"]</c> is an object.
    /// </summary>
    public static bool IsDeclared(ReadOnlySpan<byte> capabilities)
    {
        if (capabilities.IsEmpty)
        {
            return false;
        }

        var reader = new Utf8JsonReader(capabilities, new JsonReaderOptions { MaxDepth = JsonRpcMessageReader.MaxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool extensions = reader.ValueTextEquals("extensions"u8);
            reader.Read();
            if (!extensions || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool tasks = reader.ValueTextEquals("io.modelcontextprotocol/tasks"u8);
                reader.Read();
                if (tasks && reader.TokenType == JsonTokenType.StartObject)
                {
                    return true;
                }

                reader.Skip();
            }

            return false;
        }

        return false;
    }

    /// <summary>-32021 for a request that needs the extension and did not declare it.</summary>
    public static McpError Missing(string what)
        => new(400, JsonRpcErrorCodes.MissingRequiredClientCapability,
            $"Missing required client capability: {what} needs the Tasks extension. Declare it in the request's "
            + "_meta[\"io.modelcontextprotocol/clientCapabilities\"].extensions[\"io.modelcontextprotocol/tasks\"] ({}).",
            McpErrorData.RequiredCapabilities, RequiredCapabilities);

    /// <summary>-32602 for a task that does not exist for this caller (never created, another principal's, expired and deleted).</summary>
    public static McpError NotFound(string method) => new(200, JsonRpcErrorCodes.InvalidParams,
        $"Failed to retrieve task: Task not found. {method} needs the taskId of a CreateTaskResult this server returned to the same user; "
        + "tasks are deleted when their ttlMs ends. Call the tool again for a new task.");

    /// <summary>-32602 for a task past its time to live.</summary>
    public static McpError Expired(string method) => new(200, JsonRpcErrorCodes.InvalidParams,
        $"Failed to retrieve task: Task has expired ({method}): its ttlMs ended. Call the tool again for a new task.");

    /// <summary>ISO 8601 in UTC with milliseconds, as <c>createdAt</c> and <c>lastUpdatedAt</c> carry it.</summary>
    public static string Timestamp(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes the members of the <c>Task</c> object (<c>taskId</c> to <c>pollIntervalMs</c>) into the open object, and
    /// with <paramref name="detailed"/> the status's own member: <c>inputRequests</c>, <c>result</c> or <c>error</c>.
    /// </summary>
    public static void WriteTask(Utf8JsonWriter json, McpTaskRecord task, bool detailed)
    {
        json.WriteString("taskId"u8, task.TaskId);
        json.WriteString("status"u8, McpTaskStatuses.Name(task.Status));
        if (task.StatusMessage is { } message)
        {
            json.WriteString("statusMessage"u8, message);
        }

        json.WriteString("createdAt"u8, Timestamp(task.CreatedAt));
        json.WriteString("lastUpdatedAt"u8, Timestamp(task.LastUpdatedAt));
        json.WriteNumber("ttlMs"u8, (long)task.TimeToLive.TotalMilliseconds);
        json.WriteNumber("pollIntervalMs"u8, Math.Max(1L, (long)task.PollInterval.TotalMilliseconds));
        if (!detailed)
        {
            return;
        }

        switch (task.Status)
        {
            case McpTaskStatus.InputRequired:
                json.WriteStartObject("inputRequests"u8);
                foreach (KeyValuePair<string, byte[]> request in task.InputRequests)
                {
                    json.WritePropertyName(request.Key);
                    json.WriteRawValue(request.Value, skipInputValidation: true);
                }

                json.WriteEndObject();
                break;
            case McpTaskStatus.Completed:
                json.WritePropertyName("result"u8);
                json.WriteRawValue(task.Result.IsEmpty ? "{\"content\":[]}"u8 : task.Result.Span, skipInputValidation: true);
                break;
            case McpTaskStatus.Failed:
                json.WritePropertyName("error"u8);
                json.WriteRawValue(task.Error.IsEmpty ? "{\"code\":-32603,\"message\":\"Internal error: the task failed.\"}"u8 : task.Error.Span, skipInputValidation: true);
                break;
        }
    }

    /// <summary>A JSON-RPC error object <c>{code, message}</c>.</summary>
    public static byte[] ErrorObject(int code, string message)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("code"u8, code);
            json.WriteString("message"u8, message);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An input request <c>{method, params}</c>.</summary>
    public static byte[] InputRequest(string method, byte[] parameters)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(parameters.Length + 64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("method"u8, method);
            json.WritePropertyName("params"u8);
            json.WriteRawValue(parameters, skipInputValidation: true);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
