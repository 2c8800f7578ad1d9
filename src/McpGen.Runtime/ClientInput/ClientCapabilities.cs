using System;
using System.Text.Json;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.ClientInput;

/// <summary>
/// Reads a <c>clientCapabilities</c> object (raw UTF-8 JSON: <c>_meta</c> of a 2026-07-28 request, or the
/// <c>capabilities</c> of <c>initialize</c>). Empty or malformed means nothing declared.
/// </summary>
internal static class ClientCapabilities
{
    /// <summary>Whether the capabilities declare <paramref name="capability"/>.</summary>
    public static bool Declares(ReadOnlySpan<byte> json, McpClientCapability capability)
    {
        if (json.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(json, McpGen.Protocol.JsonRpcMessageReader.SliceOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            ReadOnlySpan<byte> member = capability switch
            {
                McpClientCapability.Sampling => "sampling"u8,
                McpClientCapability.Roots => "roots"u8,
                _ => "elicitation"u8,
            };
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool match = reader.ValueTextEquals(member);
                reader.Read();
                if (!match)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                return capability switch
                {
                    McpClientCapability.FormElicitation => ElicitationMode(ref reader, form: true),
                    McpClientCapability.UrlElicitation => ElicitationMode(ref reader, form: false),
                    _ => true,
                };
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The <c>requiredCapabilities</c> object of a MissingRequiredClientCapability error (-32021) for a capability.
    /// </summary>
    public static string Required(McpClientCapability capability) => capability switch
    {
        McpClientCapability.Sampling => """{"sampling":{}}""",
        McpClientCapability.Roots => """{"roots":{}}""",
        McpClientCapability.UrlElicitation => """{"elicitation":{"url":{}}}""",
        _ => """{"elicitation":{"form":{}}}""",
    };

    /// <summary>The capability as the client declares it, for messages.</summary>
    public static string Describe(McpClientCapability capability) => capability switch
    {
        McpClientCapability.Sampling => "sampling",
        McpClientCapability.Roots => "roots",
        McpClientCapability.UrlElicitation => "elicitation.url",
        _ => "elicitation (form)",
    };

    /// <summary>
    /// Inside <c>elicitation</c>: <c>{}</c> declares form mode only (2025-06-18 compatibility); otherwise each mode is
    /// declared by its own member.
    /// </summary>
    private static bool ElicitationMode(ref Utf8JsonReader reader, bool form)
    {
        bool any = false, hasForm = false, hasUrl = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("form"u8))
            {
                hasForm = any = true;
            }
            else if (reader.ValueTextEquals("url"u8))
            {
                hasUrl = any = true;
            }

            reader.Read();
            reader.Skip();
        }

        return form ? hasForm || !any : hasUrl;
    }
}
