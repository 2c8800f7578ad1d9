using System;
using System.Text.Json;

namespace McpGen.Protocol;

/// <summary>Writes JSON-RPC responses: the result envelope around precomputed or tool-written results, and error objects.</summary>
internal static class JsonRpcWriter
{
    /// <summary><c>{"jsonrpc":"2.0","id":</c></summary>
    public static ReadOnlySpan<byte> EnvelopeStart => "{\"jsonrpc\":\"2.0\",\"id\":"u8;

    /// <summary><c>,"result":</c></summary>
    public static ReadOnlySpan<byte> ResultMember => ",\"result\":"u8;

    /// <summary>Starts a result response and leaves the writer positioned after the <c>result</c> property name.</summary>
    public static void WriteResultStart(Utf8JsonWriter writer, ReadOnlySpan<byte> rawId)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WritePropertyName("id"u8);
        writer.WriteRawValue(rawId, skipInputValidation: true);
        writer.WritePropertyName("result"u8);
    }

    /// <summary>Writes a complete error response. <paramref name="rawId"/> is the raw id, or <c>null</c> when unknown.</summary>
    public static void WriteError(Utf8JsonWriter writer, ReadOnlySpan<byte> rawId, McpError error)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WritePropertyName("id"u8);
        writer.WriteRawValue(rawId.IsEmpty ? "null"u8 : rawId, skipInputValidation: true);
        writer.WriteStartObject("error"u8);
        writer.WriteNumber("code"u8, error.Code);
        writer.WriteString("message"u8, error.Message);
        switch (error.Data)
        {
            case McpErrorData.SupportedVersions:
                WriteVersionData(writer, McpProtocolVersions.All, error.Requested);
                break;
            case McpErrorData.SupportedLegacyVersions:
                WriteVersionData(writer, McpProtocolVersions.Legacy, error.Requested);
                break;
            case McpErrorData.ResourceUri:
                writer.WriteStartObject("data"u8);
                writer.WriteString("uri"u8, error.Requested);
                writer.WriteEndObject();
                break;
            case McpErrorData.RequiredCapabilities:
                writer.WriteStartObject("data"u8);
                writer.WritePropertyName("requiredCapabilities"u8);
                writer.WriteRawValue(error.Requested ?? "{}");
                writer.WriteEndObject();
                break;
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteVersionData(Utf8JsonWriter writer, string[] supported, string? requested)
    {
        writer.WriteStartObject("data"u8);
        writer.WriteStartArray("supported"u8);
        foreach (string version in supported)
        {
            writer.WriteStringValue(version);
        }

        writer.WriteEndArray();
        if (requested is not null)
        {
            writer.WriteString("requested"u8, requested);
        }
        else
        {
            writer.WriteNull("requested"u8);
        }

        writer.WriteEndObject();
    }
}
