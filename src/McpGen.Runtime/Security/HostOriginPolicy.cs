using System;
using System.Collections.Generic;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace McpGen.Security;

/// <summary>
/// DNS-rebinding protection: the one place that reads the <c>Host</c> and <c>Origin</c> headers. A request whose
/// <c>Host</c> is not allowed, or whose <c>Origin</c> is present and not allowed, gets 403 (see
/// <see cref="McpServerOptions.AllowedHosts"/> and <see cref="McpServerOptions.AllowedOrigins"/> for the rules).
/// </summary>
internal sealed class HostOriginPolicy
{
    private readonly string[] _allowedHosts;
    private readonly string[] _allowedOrigins;

    public HostOriginPolicy(McpServerOptions options)
    {
        _allowedHosts = Normalize(options.AllowedHosts);
        _allowedOrigins = Normalize(options.AllowedOrigins);
    }

    /// <summary>Checks the request; returns <see langword="null"/> when allowed, else why it is not (for the 403 body).</summary>
    public string? Check(HttpContext context)
    {
        IHeaderDictionary headers = context.Request.Headers;
        string host = headers.Host.ToString();
        ReadOnlySpan<char> hostName = HostName(host);
        IPAddress? local = context.Connection.LocalIpAddress;

        // In-process servers (TestServer) have no local address: treat them as local, the strict case.
        bool loopback = local is null || IPAddress.IsLoopback(local);

        if (!IsHostAllowed(hostName, loopback))
        {
            return $"Host '{host}' is not allowed (DNS-rebinding protection). Reach the server by an allowed host name, or add it to McpServerOptions.AllowedHosts.";
        }

        if (!headers.TryGetValue(HeaderNames.Origin, out var originValues))
        {
            return null;
        }

        string origin = originValues.ToString();
        return IsOriginAllowed(origin, hostName, loopback)
            ? null
            : $"Origin '{origin}' is not allowed (DNS-rebinding protection). Add it to McpServerOptions.AllowedOrigins to let that web page call this server.";
    }

    private bool IsHostAllowed(ReadOnlySpan<char> hostName, bool loopback)
    {
        if (_allowedHosts.Length > 0)
        {
            return MatchesHostList(hostName, _allowedHosts);
        }

        return !loopback || IsLoopbackName(hostName);
    }

    private bool IsOriginAllowed(string origin, ReadOnlySpan<char> requestHostName, bool loopback)
    {
        ReadOnlySpan<char> trimmed = origin.AsSpan().Trim().TrimEnd('/');
        if (_allowedOrigins.Length > 0)
        {
            foreach (string allowed in _allowedOrigins)
            {
                if (allowed == "*" || trimmed.Equals(allowed, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        int scheme = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return false; // "null" (opaque origins) and malformed values
        }

        ReadOnlySpan<char> originHost = HostName(trimmed[(scheme + 3)..]);
        if (originHost.IsEmpty)
        {
            return false;
        }

        return loopback ? IsLoopbackName(originHost) : originHost.Equals(requestHostName, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The host name of a <c>host[:port]</c> or <c>[v6]:port</c> value, without the port.</summary>
    internal static ReadOnlySpan<char> HostName(ReadOnlySpan<char> hostAndPort)
    {
        hostAndPort = hostAndPort.Trim();
        if (hostAndPort.StartsWith('['))
        {
            int end = hostAndPort.IndexOf(']');
            return end < 0 ? ReadOnlySpan<char>.Empty : hostAndPort[..(end + 1)];
        }

        int slash = hostAndPort.IndexOf('/');
        if (slash >= 0)
        {
            hostAndPort = hostAndPort[..slash];
        }

        int colon = hostAndPort.IndexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort[..colon];
    }

    private static bool IsLoopbackName(ReadOnlySpan<char> host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.Equals("127.0.0.1", StringComparison.Ordinal)
            || host.Equals("[::1]", StringComparison.Ordinal))
        {
            return true;
        }

        // Other loopback literals (127.0.0.2, [0:0:0:0:0:0:0:1]).
        ReadOnlySpan<char> literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return literal.Length > 0 && (char.IsAsciiDigit(literal[0]) || host.StartsWith('['))
            && IPAddress.TryParse(literal, out IPAddress? address) && IPAddress.IsLoopback(address);
    }

    private static bool MatchesHostList(ReadOnlySpan<char> host, string[] allowed)
    {
        foreach (string entry in allowed)
        {
            if (entry == "*" || host.Equals(entry, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            // "*.example.com" allows subdomains of example.com.
            if (entry.StartsWith("*.", StringComparison.Ordinal)
                && host.Length > entry.Length - 1
                && host.EndsWith(entry.AsSpan(1), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] Normalize(IList<string> values)
    {
        var result = new List<string>(values.Count);
        foreach (string value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                result.Add(value.Trim().TrimEnd('/'));
            }
        }

        return result.ToArray();
    }
}
