using System;
using System.Buffers;
using System.Text.Json;
using McpGen.Protocol;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Sessions;

/// <summary>
/// Reads and writes <see cref="McpSessionState"/> as compact UTF-8 JSON, for stores that persist sessions as one value.
/// Hand-written over <see cref="Utf8JsonWriter"/>/<see cref="Utf8JsonReader"/>: no reflection, trim- and AOT-safe.
/// </summary>
public static class McpSessionStateJson
{
    /// <summary>Serializes a session.</summary>
    public static byte[] Serialize(McpSessionState session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id"u8, session.Id);
            json.WriteString("routeKey"u8, session.RouteKey);
            json.WriteString("principal"u8, session.PrincipalKey);
            json.WriteString("protocolVersion"u8, session.ProtocolVersion);
            json.WritePropertyName("capabilities"u8);
            // Capabilities are a slice of a message the reader accepted (or of a session this class wrote): valid JSON
            // up to the reader's depth, which the writer's validation (depth 64) would refuse.
            json.WriteRawValue(session.ClientCapabilities.IsEmpty ? "{}"u8 : session.ClientCapabilities.Span, skipInputValidation: true);
            if (session.ClientInfo is { } info)
            {
                json.WriteStartObject("clientInfo"u8);
                json.WriteString("name"u8, info.Name);
                json.WriteString("version"u8, info.Version);
                if (info.Title is not null)
                {
                    json.WriteString("title"u8, info.Title);
                }

                json.WriteEndObject();
            }

            if (session.LogLevel is { } level)
            {
                json.WriteString("logLevel"u8, McpLogLevels.Name(level));
            }

            json.WriteStartArray("subscriptions"u8);
            foreach (string uri in session.Subscriptions)
            {
                json.WriteStringValue(uri);
            }

            json.WriteEndArray();
            json.WriteStartObject("items"u8);
            foreach (var item in session.Items)
            {
                json.WriteString(item.Key, item.Value);
            }

            json.WriteEndObject();
            json.WriteNumber("createdAt"u8, session.CreatedAt.ToUnixTimeMilliseconds());
            json.WriteNumber("lastSeenAt"u8, session.LastSeenAt.ToUnixTimeMilliseconds());
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Deserializes a session written by <see cref="Serialize"/>.</summary>
    /// <exception cref="JsonException">The JSON is not a serialized session.</exception>
    public static McpSessionState Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
        Expect(ref reader, JsonTokenType.StartObject);
        string? id = null, routeKey = null, principal = null, version = null;
        byte[]? capabilities = null;
        McpClientInfo? clientInfo = null;
        McpLogLevel? logLevel = null;
        string[]? subscriptions = null;
        (string, string)[]? items = null;
        long created = 0, lastSeen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "id": id = reader.GetString(); break;
                case "routeKey": routeKey = reader.GetString(); break;
                case "principal": principal = reader.GetString(); break;
                case "protocolVersion": version = reader.GetString(); break;
                case "capabilities":
                    {
                        long start = reader.TokenStartIndex;
                        reader.Skip();
                        capabilities = utf8Json[(int)start..(int)reader.BytesConsumed].ToArray();
                        break;
                    }

                case "clientInfo": clientInfo = ReadClientInfo(ref reader); break;
                case "logLevel": logLevel = McpLogLevels.TryParse(reader.GetString()); break;
                case "subscriptions": subscriptions = ReadStrings(ref reader); break;
                case "items": items = ReadPairs(ref reader); break;
                case "createdAt": created = reader.GetInt64(); break;
                case "lastSeenAt": lastSeen = reader.GetInt64(); break;
                default: reader.Skip(); break;
            }
        }

        var session = new McpSessionState(id ?? throw new JsonException("A serialized session has no id."))
        {
            RouteKey = routeKey ?? "",
            PrincipalKey = principal ?? "",
            ProtocolVersion = version ?? "",
            ClientCapabilities = capabilities ?? "{}"u8.ToArray(),
            ClientInfo = clientInfo,
            LogLevel = logLevel,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(created),
            LastSeenAt = DateTimeOffset.FromUnixTimeMilliseconds(lastSeen),
        };
        foreach (string uri in subscriptions ?? [])
        {
            session.Subscriptions.Add(uri);
        }

        foreach ((string key, string value) in items ?? [])
        {
            session.Items[key] = value;
        }

        return session;
    }

    /// <summary>A deep copy (stores hand out copies, so a caller's change is persisted only by an update).</summary>
    public static McpSessionState Clone(McpSessionState session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var copy = new McpSessionState(session.Id)
        {
            RouteKey = session.RouteKey,
            PrincipalKey = session.PrincipalKey,
            ProtocolVersion = session.ProtocolVersion,
            ClientCapabilities = session.ClientCapabilities,
            ClientInfo = session.ClientInfo,
            LogLevel = session.LogLevel,
            CreatedAt = session.CreatedAt,
            LastSeenAt = session.LastSeenAt,
            Version = session.Version,
        };
        copy.Subscriptions.UnionWith(session.Subscriptions);
        foreach (var item in session.Items)
        {
            copy.Items[item.Key] = item.Value;
        }

        return copy;
    }

    private static McpClientInfo? ReadClientInfo(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? name = null, version = null, title = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string property = reader.GetString()!;
            reader.Read();
            switch (property)
            {
                case "name": name = reader.GetString(); break;
                case "version": version = reader.GetString(); break;
                case "title": title = reader.GetString(); break;
                default: reader.Skip(); break;
            }
        }

        return name is null ? null : new McpClientInfo(name, version ?? "", title);
    }

    private static string[] ReadStrings(ref Utf8JsonReader reader)
    {
        var list = new System.Collections.Generic.List<string>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return [];
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            list.Add(reader.GetString()!);
        }

        return list.ToArray();
    }

    private static (string, string)[] ReadPairs(ref Utf8JsonReader reader)
    {
        var list = new System.Collections.Generic.List<(string, string)>();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return [];
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            list.Add((key, reader.GetString() ?? ""));
        }

        return list.ToArray();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"A serialized session must start with {type}.");
        }
    }
}
