using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace McpGen;

/// <summary>
/// Checks, when <c>MapMcp</c> builds the endpoint of a server whose handlers carry <c>[Authorize]</c> or
/// <c>[McpScope]</c>, that authorization is registered and that every named policy exists, so a typo in a policy name
/// fails the deployment at startup instead of every call of that handler.
/// </summary>
internal static class McpAuthorizationValidation
{
    /// <exception cref="InvalidOperationException">Authorization is not registered, or a policy is unknown; the message says what to add.</exception>
    public static void Validate(McpServerDefinition definition, IServiceProvider services)
    {
        if (!definition.HasAuthorization)
        {
            return;
        }

        if (services.GetService<IAuthorizationPolicyProvider>() is not { } provider || services.GetService<IAuthorizationService>() is null)
        {
            throw new InvalidOperationException(
                $"MCP server '{definition.Name}' cannot be mapped: its handlers carry [Authorize] or [McpScope], but authorization is not registered. "
                + "Call builder.Services.AddAuthorization() and add an authentication scheme (for example builder.Services.AddAuthentication().AddJwtBearer(...)).");
        }

        var problems = new List<string>();
        foreach ((string handler, McpAuthorization authorization) in Handlers(definition))
        {
            foreach (IAuthorizeData data in authorization.AuthorizeData)
            {
                if (string.IsNullOrEmpty(data.Policy))
                {
                    continue;
                }

                Task<AuthorizationPolicy?> lookup = provider.GetPolicyAsync(data.Policy);
                // The default provider answers synchronously; a provider that looks policies up remotely is trusted here.
                if (lookup.IsCompletedSuccessfully && lookup.Result is null)
                {
                    problems.Add($"{handler} requires the authorization policy '{data.Policy}', which is not registered; add it with "
                        + $"builder.Services.AddAuthorization(o => o.AddPolicy(\"{data.Policy}\", p => ...)), or fix the name in [Authorize(Policy = ...)].");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"MCP server '{definition.Name}' cannot be mapped:\n- " + string.Join("\n- ", problems.Distinct(StringComparer.Ordinal)));
        }
    }

    private static IEnumerable<(string Handler, McpAuthorization Authorization)> Handlers(McpServerDefinition definition)
    {
        foreach (McpToolDefinition tool in definition.Tools)
        {
            if (tool.Authorization is { } authorization)
            {
                yield return ($"tool '{tool.Name}'", authorization);
            }
        }

        foreach (McpResourceDefinition resource in definition.Resources)
        {
            if (resource.Authorization is { } authorization)
            {
                yield return ($"resource '{resource.UriOrTemplate}'", authorization);
            }
        }

        foreach (McpPromptDefinition prompt in definition.Prompts)
        {
            if (prompt.Authorization is { } authorization)
            {
                yield return ($"prompt '{prompt.Name}'", authorization);
            }
        }
    }
}
