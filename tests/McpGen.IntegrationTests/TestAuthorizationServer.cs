using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpGen.IntegrationTests;

/// <summary>
/// A small OAuth 2.1 authorization server on 127.0.0.1 for the tests: RFC 8414 metadata (also as OpenID discovery, which
/// JwtBearer reads), a JWKS, client_credentials and authorization_code with PKCE (auto-approved), dynamic client
/// registration. Access tokens are JWTs signed with a test RSA key; their audience is the RFC 8707 <c>resource</c> the
/// client sent (no resource: no audience, which the MCP server rejects). One pre-registered confidential client.
/// </summary>
public sealed class TestAuthorizationServer : IAsyncDisposable
{
    public const string ClientId = "mcpgen-test-client";
    public const string ClientSecret = "mcpgen-test-secret";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly ConcurrentDictionary<string, string?> _clients = new() { [ClientId] = ClientSecret };
    private readonly ConcurrentDictionary<string, PendingCode> _codes = new();
    private WebApplication? _app;

    public TestAuthorizationServer() => _key = new RsaSecurityKey(_rsa) { KeyId = "test-key-1" };

    /// <summary>The issuer URL (no trailing slash).</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>Every token request: grant type and the resource indicator it carried.</summary>
    public ConcurrentQueue<(string GrantType, string? Resource, string? Scope)> TokenRequests { get; } = new();

    /// <summary>How many times the RFC 8414 metadata was fetched.</summary>
    public int MetadataRequests;

    public static async Task<TestAuthorizationServer> StartAsync()
    {
        var server = new TestAuthorizationServer();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        server.Map(app);
        await app.StartAsync();
        server._app = app;
        server.Issuer = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return server;
    }

    /// <summary>Signs a token directly (raw tests: wrong audience, missing scope, expired).</summary>
    public string Mint(string? audience, string scope = "", string subject = ClientId, TimeSpan? lifetime = null, string? issuer = null)
    {
        DateTime now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["client_id"] = subject };
        if (scope.Length > 0)
        {
            claims["scope"] = scope;
        }

        TimeSpan life = lifetime ?? TimeSpan.FromMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = claims,
            IssuedAt = now + (life < TimeSpan.Zero ? life * 2 : TimeSpan.Zero),
            NotBefore = now + (life < TimeSpan.Zero ? life * 2 : TimeSpan.Zero),
            Expires = now + life,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/.well-known/oauth-authorization-server", WriteMetadata);
        app.MapGet("/.well-known/openid-configuration", WriteMetadata);
        app.MapGet("/jwks", context =>
        {
            RSAParameters p = _rsa.ExportParameters(false);
            return Results.Json(new Dictionary<string, object>
            {
                ["keys"] = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = _key.KeyId,
                        ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                    },
                },
            }).ExecuteAsync(context);
        });
        app.MapPost("/register", Register);
        app.MapGet("/authorize", Authorize);
        app.MapPost("/token", Token);
    }

    private Task WriteMetadata(HttpContext context)
    {
        if (context.Request.Path.Value!.Contains("oauth-authorization-server", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref MetadataRequests);
        }

        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["registration_endpoint"] = Issuer + "/register",
            ["jwks_uri"] = Issuer + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["grant_types_supported"] = new[] { "authorization_code", "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post", "none" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["scopes_supported"] = new[] { "notes:read", "notes:write" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["authorization_response_iss_parameter_supported"] = true,
        }).ExecuteAsync(context);
    }

    private async Task Register(HttpContext context)
    {
        using JsonDocument body = await JsonDocument.ParseAsync(context.Request.Body);
        string method = body.RootElement.TryGetProperty("token_endpoint_auth_method", out JsonElement m) ? m.GetString()! : "client_secret_basic";
        string id = "dcr-" + Guid.NewGuid().ToString("N");
        string? secret = method == "none" ? null : Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _clients[id] = secret;
        var response = new Dictionary<string, object?>();
        foreach (JsonProperty property in body.RootElement.EnumerateObject())
        {
            response[property.Name] = property.Value.Clone();
        }

        response["client_id"] = id;
        response["client_id_issued_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        response["token_endpoint_auth_method"] = method;
        if (secret is not null)
        {
            response["client_secret"] = secret;
            response["client_secret_expires_at"] = 0;
        }

        await Results.Json(response, statusCode: 201).ExecuteAsync(context);
    }

    private Task Authorize(HttpContext context)
    {
        IQueryCollection q = context.Request.Query;
        string clientId = q["client_id"].ToString();
        string redirect = q["redirect_uri"].ToString();
        if (!_clients.ContainsKey(clientId) || q["response_type"] != "code" || q["code_challenge_method"] != "S256" || redirect.Length == 0)
        {
            return Results.BadRequest(new { error = "invalid_request", error_description = "unknown client, or not code + S256 PKCE + redirect_uri" }).ExecuteAsync(context);
        }

        string code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = new PendingCode(clientId, redirect, q["code_challenge"].ToString(), NullIfEmpty(q["resource"]), NullIfEmpty(q["scope"]));
        string location = redirect + (redirect.Contains('?') ? "&" : "?") + "code=" + code
            + "&state=" + Uri.EscapeDataString(q["state"].ToString()) + "&iss=" + Uri.EscapeDataString(Issuer);
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }

    private async Task Token(HttpContext context)
    {
        IFormCollection form = await context.Request.ReadFormAsync();
        string grant = form["grant_type"].ToString();
        (string? clientId, string? secret) = ClientOf(context.Request, form);
        string? resource = NullIfEmpty(form["resource"]);
        string scope = form["scope"].ToString();
        TokenRequests.Enqueue((grant, resource, scope));
        if (clientId is null || !_clients.TryGetValue(clientId, out string? expected) || (expected is not null && expected != secret))
        {
            await Results.Json(new { error = "invalid_client" }, statusCode: 401).ExecuteAsync(context);
            return;
        }

        if (grant == "authorization_code")
        {
            if (!_codes.TryRemove(form["code"].ToString(), out PendingCode? pending) || pending.ClientId != clientId
                || pending.RedirectUri != form["redirect_uri"].ToString()
                || pending.Challenge != Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))))
            {
                await Results.Json(new { error = "invalid_grant" }, statusCode: 400).ExecuteAsync(context);
                return;
            }

            resource ??= pending.Resource;
            if (scope.Length == 0)
            {
                scope = pending.Scope ?? "";
            }
        }
        else if (grant == "client_credentials" && scope.Length == 0)
        {
            scope = "notes:read"; // the client's default scope, as authorization servers commonly configure it
        }
        else if (grant != "client_credentials")
        {
            await Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400).ExecuteAsync(context);
            return;
        }

        await Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = Mint(resource, scope, clientId),
            ["token_type"] = "Bearer",
            ["expires_in"] = 600,
            ["scope"] = scope,
        }).ExecuteAsync(context);
    }

    private static (string? Id, string? Secret) ClientOf(HttpRequest request, IFormCollection form)
    {
        string authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string[] pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..])).Split(':', 2);
            return (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        return (NullIfEmpty(form["client_id"]), NullIfEmpty(form["client_secret"]));
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 || value[0]!.Length == 0 ? null : value[0];

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _rsa.Dispose();
    }

    private sealed record PendingCode(string ClientId, string RedirectUri, string Challenge, string? Resource, string? Scope);
}
