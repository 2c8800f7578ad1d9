using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpGen;

/// <summary>
/// What <c>AddMcpServer&lt;TServer&gt;()</c> returns: configures that one server. Its options are named after the server
/// (<see cref="Name"/>), so two servers in one application can differ; options set for every server
/// (<c>AddMcpServerCore(o =&gt; ...)</c>, <c>services.ConfigureAll&lt;McpServerOptions&gt;(...)</c>) apply first, then this
/// server's. Every value is validated when the application starts, with one message listing each bad value.
/// </summary>
public sealed class McpServerBuilder
{
    internal McpServerBuilder(IServiceCollection services, string name)
    {
        Services = services;
        Name = name;
    }

    /// <summary>The application's services, for registrations that belong beside this server.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The server's name (its class name): the name of its <see cref="McpServerOptions"/>.</summary>
    public string Name { get; }

    /// <summary>Changes this server's options.</summary>
    public McpServerBuilder Configure(Action<McpServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(Name, configure);
        return this;
    }

    /// <summary>
    /// Binds this server's options from a configuration section: <c>.BindConfiguration("Mcp:Weather")</c> reads
    /// <c>"Mcp": { "Weather": { "MaxJsonDepth": 64, "Sessions": { "IdleTimeout": "00:10:00" } } }</c>. Durations are
    /// TimeSpan text or seconds. An unknown key or a value that does not parse fails the start with its path.
    /// </summary>
    /// <param name="sectionPath">The section's path in the application's configuration.</param>
    public McpServerBuilder BindConfiguration(string sectionPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionPath);
        Services.AddOptions<McpServerOptions>(Name)
            .Configure<IConfiguration>((options, configuration) => McpServerOptionsBinder.Bind(configuration.GetSection(sectionPath), options));
        return this;
    }

    /// <summary>Binds this server's options from <paramref name="section"/> (see <see cref="BindConfiguration"/>).</summary>
    public McpServerBuilder Bind(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        Services.Configure<McpServerOptions>(Name, options => McpServerOptionsBinder.Bind(section, options));
        return this;
    }
}

/// <summary>Validates every named <see cref="McpServerOptions"/> (each server's) when options are built.</summary>
internal sealed class McpServerOptionsValidator : IValidateOptions<McpServerOptions>
{
    public ValidateOptionsResult Validate(string? name, McpServerOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Server '{name}': " + McpServerOptions.Describe(problems));
    }
}
