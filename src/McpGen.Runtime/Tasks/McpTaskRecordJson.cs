using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace McpGen.Tasks;

/// <summary>
/// <see cref="McpTaskRecord"/> as UTF-8 JSON, for stores that keep a task as one value (PostgreSQL <c>tasks.record</c>):
/// every member except <see cref="McpTaskRecord.Version"/>, which the store keeps beside it. The tool's arguments,
/// result, error and input requests and responses are embedded as the JSON they are. No reflection.
/// </summary>
public static class McpTaskRecordJson
{
    /// <summary>Writes <paramref name="task"/> as one JSON object.</summary>
    public static byte[] Serialize(McpTaskRecord task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var buffer = new ArrayBufferWriter<byte>(512 + task.Result.Length + task.Arguments.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("taskId"u8, task.TaskId);
            json.WriteString("server"u8, task.ServerName);
            json.WriteString("principal"u8, task.PrincipalKey);
            json.WriteString("tool"u8, task.ToolName);
            Raw(json, "arguments"u8, task.Arguments);
            Raw(json, "capabilities"u8, task.ClientCapabilities);
            json.WriteString("status"u8, McpTaskStatuses.Name(task.Status));
            if (task.StatusMessage is { } message)
            {
                json.WriteString("statusMessage"u8, message);
            }

            json.WriteString("createdAt"u8, task.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("lastUpdatedAt"u8, task.LastUpdatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteNumber("ttlMs"u8, (long)task.TimeToLive.TotalMilliseconds);
            json.WriteNumber("pollIntervalMs"u8, (long)task.PollInterval.TotalMilliseconds);
            Raw(json, "result"u8, task.Result);
            Raw(json, "error"u8, task.Error);
            Map(json, "inputRequests"u8, task.InputRequests);
            Map(json, "inputResponses"u8, task.InputResponses);
            if (task.LeaseOwner is { } owner)
            {
                json.WriteString("leaseOwner"u8, owner);
            }

            json.WriteString("leaseExpiresAt"u8, task.LeaseExpiresAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteNumber("attempt"u8, task.Attempt);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote; <paramref name="version"/> becomes the record's version.</summary>
    /// <exception cref="JsonException">The JSON is not a task record.</exception>
    public static McpTaskRecord Deserialize(ReadOnlySpan<byte> utf8, long version)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A task record is a JSON object.");
        }

        string? taskId = null, server = null, principal = null, tool = null, message = null, owner = null;
        McpTaskStatus status = McpTaskStatus.Working;
        DateTimeOffset created = default, updated = default, lease = default;
        long ttl = 0, poll = 0;
        int attempt = 1;
        ReadOnlyMemory<byte> arguments = default, capabilities = default, result = default, error = default;
        IReadOnlyDictionary<string, byte[]> requests = McpTaskRecord.Empty, responses = McpTaskRecord.Empty;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "taskId": taskId = reader.GetString(); break;
                case "server": server = reader.GetString(); break;
                case "principal": principal = reader.GetString(); break;
                case "tool": tool = reader.GetString(); break;
                case "status": status = McpTaskStatuses.Parse(reader.GetString()) ?? throw new JsonException("Unknown task status."); break;
                case "statusMessage": message = reader.GetString(); break;
                case "createdAt": created = Time(ref reader); break;
                case "lastUpdatedAt": updated = Time(ref reader); break;
                case "leaseExpiresAt": lease = Time(ref reader); break;
                case "leaseOwner": owner = reader.GetString(); break;
                case "ttlMs": ttl = reader.GetInt64(); break;
                case "pollIntervalMs": poll = reader.GetInt64(); break;
                case "attempt": attempt = reader.GetInt32(); break;
                case "arguments": arguments = TakeRaw(ref reader, utf8); break;
                case "capabilities": capabilities = TakeRaw(ref reader, utf8); break;
                case "result": result = TakeRaw(ref reader, utf8); break;
                case "error": error = TakeRaw(ref reader, utf8); break;
                case "inputRequests": requests = TakeMap(ref reader, utf8); break;
                case "inputResponses": responses = TakeMap(ref reader, utf8); break;
                default: reader.Skip(); break;
            }
        }

        return new McpTaskRecord
        {
            TaskId = taskId ?? throw new JsonException("A task record needs taskId."),
            ServerName = server ?? throw new JsonException("A task record needs server."),
            PrincipalKey = principal ?? throw new JsonException("A task record needs principal."),
            ToolName = tool ?? throw new JsonException("A task record needs tool."),
            Arguments = arguments,
            ClientCapabilities = capabilities,
            Status = status,
            StatusMessage = message,
            CreatedAt = created,
            LastUpdatedAt = updated,
            TimeToLive = TimeSpan.FromMilliseconds(ttl),
            PollInterval = TimeSpan.FromMilliseconds(poll),
            Result = result,
            Error = error,
            InputRequests = requests,
            InputResponses = responses,
            LeaseOwner = owner,
            LeaseExpiresAt = lease,
            Attempt = attempt,
            Version = version,
        };
    }

    private static void Raw(Utf8JsonWriter json, ReadOnlySpan<byte> name, ReadOnlyMemory<byte> value)
    {
        if (!value.IsEmpty)
        {
            json.WritePropertyName(name);
            json.WriteRawValue(value.Span, skipInputValidation: true);
        }
    }

    private static void Map(Utf8JsonWriter json, ReadOnlySpan<byte> name, IReadOnlyDictionary<string, byte[]> map)
    {
        if (map.Count == 0)
        {
            return;
        }

        json.WriteStartObject(name);
        foreach (KeyValuePair<string, byte[]> entry in map)
        {
            json.WritePropertyName(entry.Key);
            json.WriteRawValue(entry.Value, skipInputValidation: true);
        }

        json.WriteEndObject();
    }

    private static DateTimeOffset Time(ref Utf8JsonReader reader)
        => DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static byte[] TakeRaw(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        return utf8[start..(int)reader.BytesConsumed].ToArray();
    }

    private static Dictionary<string, byte[]> TakeMap(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        var map = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("inputRequests and inputResponses are objects.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            map[key] = TakeRaw(ref reader, utf8);
        }

        return map;
    }
}
