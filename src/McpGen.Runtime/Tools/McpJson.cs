using System;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace McpGen;

/// <summary>JSON helpers for generated code: type information only through resolvers, never reflection.</summary>
public static class McpJson
{
    /// <summary>
    /// Returns the <see cref="JsonTypeInfo{T}"/> for <typeparamref name="T"/> from <paramref name="options"/>' resolver chain.
    /// </summary>
    /// <exception cref="InvalidOperationException">No resolver knows the type; the message says how to register it.</exception>
    public static JsonTypeInfo<T> GetTypeInfo<T>(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            if (options.TryGetTypeInfo(typeof(T), out JsonTypeInfo? info) && info is JsonTypeInfo<T> typed)
            {
                return typed;
            }
        }
        catch (NotSupportedException)
        {
            // Falls through to the explanation below.
        }

        throw new InvalidOperationException(
            $"No JsonSerializerContext registered with McpGen knows the type '{typeof(T).FullName}'. " +
            $"Add [JsonSerializable(typeof({typeof(T).Name}))] to a JsonSerializerContext of your app and register it, for example " +
            "builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default)).");
    }
}
