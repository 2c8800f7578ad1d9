using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace McpGen;

/// <summary>
/// Checks, when <c>MapMcp</c> builds an endpoint, that the application supplies everything the server's generated
/// handlers need (<see cref="McpServerDefinition.Requirements"/>): every required service is registered
/// (<see cref="IServiceProviderIsService"/>, <see cref="IServiceProviderIsKeyedService"/>) and every complex argument
/// and result type resolves from the <see cref="JsonSerializerOptions"/> the endpoint uses. All problems are collected
/// and reported in one <see cref="InvalidOperationException"/>, so a deployment fails at startup, not at the first call.
/// </summary>
/// <remarks>Trim- and AOT-safe: it only looks types up (by the <see cref="Type"/> the generator wrote with <c>typeof</c>).</remarks>
internal static class McpStartupValidation
{
    /// <summary>Throws when a requirement of <paramref name="definition"/> is not met.</summary>
    /// <param name="definition">The server.</param>
    /// <param name="services">The application's root services.</param>
    /// <param name="serializerOptions">The options the endpoint reads and writes JSON with.</param>
    /// <param name="ownSerializerOptions">Whether those are <see cref="McpServerOptions.SerializerOptions"/> (else the HTTP JSON options).</param>
    /// <exception cref="InvalidOperationException">One or more requirements are not met; the message lists each and its fix.</exception>
    public static void Validate(McpServerDefinition definition, IServiceProvider services, JsonSerializerOptions serializerOptions, bool ownSerializerOptions)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serializerOptions);
        if (definition.Requirements.Count == 0)
        {
            return;
        }

        IServiceProviderIsService? isService = services.GetService<IServiceProviderIsService>();
        IServiceProviderIsKeyedService? isKeyedService = isService as IServiceProviderIsKeyedService ?? services.GetService<IServiceProviderIsKeyedService>();
        var problems = new List<string>();
        foreach (McpHandlerRequirement requirement in definition.Requirements)
        {
            string? problem = requirement.Kind switch
            {
                McpRequirementKind.Service when isService is not null && !isService.IsService(requirement.Type)
                    => $"no service of type {requirement.TypeName} is registered; register one (for example builder.Services.AddScoped<{requirement.TypeName}, ...>()), "
                        + "or make the parameter optional (nullable, or with a default of null)",
                McpRequirementKind.KeyedService when isKeyedService is not null && !isKeyedService.IsKeyedService(requirement.Type, requirement.ServiceKey)
                    => $"no service of type {requirement.TypeName} with key {Key(requirement.ServiceKey)} is registered; register one "
                        + $"(for example builder.Services.AddKeyedScoped<{requirement.TypeName}, ...>({Key(requirement.ServiceKey)})), or make the parameter optional",
                McpRequirementKind.Json when !Resolves(serializerOptions, requirement.Type)
                    => $"the JSON options of the endpoint have no type information for {requirement.TypeName}; add [JsonSerializable(typeof({requirement.TypeName}))] "
                        + "to your JsonSerializerContext and register the context, "
                        + (ownSerializerOptions
                            ? "in the TypeInfoResolverChain of McpServerOptions.SerializerOptions (which replace the HTTP JSON options for McpGen)"
                            : "for example builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default))"),
                _ => null,
            };
            if (problem is not null)
            {
                problems.Add(Where(definition, requirement) + ": " + problem + ".");
            }
        }

        if (problems.Count == 0)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"MCP server '{definition.Name}' cannot be mapped: ")
            .Append(problems.Count == 1 ? "1 requirement of its handlers is not met" : $"{problems.Count.ToString(CultureInfo.InvariantCulture)} requirements of its handlers are not met")
            .Append(" (checked at MapMcp so that no call fails later).");
        foreach (string problem in problems)
        {
            message.Append('\n').Append("- ").Append(problem);
        }

        throw new InvalidOperationException(message.ToString());
    }

    private static bool Resolves(JsonSerializerOptions options, Type type)
    {
        try
        {
            return options.TryGetTypeInfo(type, out JsonTypeInfo? info) && info.Type == type;
        }
        catch (NotSupportedException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A resolver that throws for the type (for example a contract it cannot build) cannot serve it either.
            return false;
        }
    }

    private static string Where(McpServerDefinition definition, McpHandlerRequirement requirement)
    {
        string handler = requirement.HandlerKind switch
        {
            McpHandlerKind.Server => $"constructor of server class {requirement.HandlerName}",
            McpHandlerKind.Tool => $"tool '{requirement.HandlerName}'",
            McpHandlerKind.Resource => $"resource '{requirement.HandlerName}'",
            McpHandlerKind.Prompt => $"prompt '{requirement.HandlerName}'",
            McpHandlerKind.Completion => $"completion method {requirement.HandlerName}",
            _ => requirement.HandlerName,
        };
        string parameter = requirement.ParameterName is null ? "result" : $"parameter '{requirement.ParameterName}'";
        return $"{handler}, {parameter} ({requirement.TypeName})";
    }

    private static string Key(object? key) => key switch
    {
        null => "null",
        string text => "\"" + text + "\"",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString() ?? string.Empty,
    };
}
