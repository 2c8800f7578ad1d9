using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using McpGen.Protocol;
using McpGen.Security;
using Microsoft.AspNetCore.Http;

namespace McpGen.Dispatch;

/// <summary>Which of the four lists.</summary>
internal enum ListKind
{
    Tools,
    Resources,
    ResourceTemplates,
    Prompts,
}

/// <summary>
/// The four lists of a server whose handlers carry <see cref="McpAuthorization"/>: a caller sees only what it may use
/// (the spec lets lists vary by authorization). The distinct rules of the server (handlers with equal rules share one)
/// are decided once per list request; the answers form the caller's visibility, and the prebuilt pages are cached per
/// visibility, never per caller and never shared between visibilities. Pages say <c>cacheScope: "private"</c>.
/// </summary>
internal sealed class AuthorizedLists
{
    /// <summary>At most this many visibilities keep their pages; further ones are built per request.</summary>
    private const int MaxCachedVisibilities = 256;

    private readonly McpHandlerAuthorizer _authorizer;
    private readonly McpAuthorization[] _rules;
    private readonly Entry[][] _entries;
    private readonly int _pageSize;
    private readonly long _ttlMs;
    private readonly byte[] _modernMeta;
    private readonly ConcurrentDictionary<string, PagedList[]> _byVisibility = new(StringComparer.Ordinal);

    /// <summary>One list entry: its JSON and the index of its rule in <see cref="_rules"/> (-1: anyone may use it).</summary>
    private readonly record struct Entry(ReadOnlyMemory<byte> Json, int Rule);

    public AuthorizedLists(
        McpHandlerAuthorizer authorizer, McpToolDefinition[] tools, McpResourceDefinition[] resources, McpPromptDefinition[] prompts, int pageSize, long ttlMs, byte[] modernMeta)
    {
        _authorizer = authorizer;
        _pageSize = pageSize;
        _ttlMs = ttlMs;
        _modernMeta = modernMeta;
        var rules = new List<McpAuthorization>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        int RuleOf(McpAuthorization? authorization)
        {
            if (authorization is null)
            {
                return -1;
            }

            if (!byKey.TryGetValue(authorization.Key, out int index))
            {
                index = rules.Count;
                byKey.Add(authorization.Key, index);
                rules.Add(authorization);
            }

            return index;
        }

        _entries =
        [
            [.. tools.Select(t => new Entry(t.Json, RuleOf(t.Authorization)))],
            [.. resources.Where(r => !r.IsTemplate).Select(r => new Entry(r.Json, RuleOf(r.Authorization)))],
            [.. resources.Where(r => r.IsTemplate).Select(r => new Entry(r.Json, RuleOf(r.Authorization)))],
            [.. prompts.Select(p => new Entry(p.Json, RuleOf(p.Authorization)))],
        ];
        _rules = [.. rules];
    }

    /// <summary>How many distinct rules the server's handlers carry.</summary>
    public int RuleCount => _rules.Length;

    /// <summary>The list of <paramref name="kind"/> as the caller of <paramref name="http"/> may see it.</summary>
    public async ValueTask<PagedList> GetAsync(HttpContext http, ListKind kind)
    {
        char[] visibility = new char[_rules.Length];
        for (int i = 0; i < _rules.Length; i++)
        {
            McpAccess access = await _authorizer.AuthorizeAsync(http, _rules[i]).ConfigureAwait(false);
            visibility[i] = access == McpAccess.Allowed ? '1' : '0';
        }

        string key = new(visibility);
        if (!_byVisibility.TryGetValue(key, out PagedList[]? lists))
        {
            lists = Build(visibility);
            if (_byVisibility.Count < MaxCachedVisibilities)
            {
                lists = _byVisibility.GetOrAdd(key, lists);
            }
        }

        return lists[(int)kind];
    }

    private PagedList[] Build(char[] visibility)
    {
        ReadOnlyMemory<byte>[] Visible(ListKind kind)
            => [.. _entries[(int)kind].Where(e => e.Rule < 0 || visibility[e.Rule] == '1').Select(e => e.Json)];

        return
        [
            new PagedList(McpMethods.ToolsList, "tools", Visible(ListKind.Tools), _pageSize, _ttlMs, _modernMeta, privateScope: true),
            new PagedList(McpMethods.ResourcesList, "resources", Visible(ListKind.Resources), _pageSize, _ttlMs, _modernMeta, privateScope: true),
            new PagedList(McpMethods.ResourcesTemplatesList, "resourceTemplates", Visible(ListKind.ResourceTemplates), _pageSize, _ttlMs, _modernMeta, privateScope: true),
            new PagedList(McpMethods.PromptsList, "prompts", Visible(ListKind.Prompts), _pageSize, _ttlMs, _modernMeta, privateScope: true),
        ];
    }
}
