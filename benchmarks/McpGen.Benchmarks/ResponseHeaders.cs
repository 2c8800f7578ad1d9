using System.Collections;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace McpGen.Benchmarks;

/// <summary>
/// Response headers that keep <c>Content-Length</c> as a number, as Kestrel's response headers do:
/// <see cref="HeaderDictionary"/> formats it into a new string on every set, an allocation Kestrel never makes, which
/// would otherwise be charged to the endpoint.
/// </summary>
internal sealed class ResponseHeaders : IHeaderDictionary
{
    private readonly Dictionary<string, StringValues> _headers = new(StringComparer.OrdinalIgnoreCase);

    public long? ContentLength { get; set; }

    public StringValues this[string key]
    {
        get
        {
            if (IsContentLength(key))
            {
                return ContentLength is { } length ? length.ToString(CultureInfo.InvariantCulture) : StringValues.Empty;
            }

            return _headers.TryGetValue(key, out StringValues value) ? value : StringValues.Empty;
        }
        set
        {
            if (IsContentLength(key))
            {
                ContentLength = StringValues.IsNullOrEmpty(value) ? null : long.Parse(value.ToString(), CultureInfo.InvariantCulture);
            }
            else if (StringValues.IsNullOrEmpty(value))
            {
                _headers.Remove(key);
            }
            else
            {
                _headers[key] = value;
            }
        }
    }

    StringValues IDictionary<string, StringValues>.this[string key]
    {
        get => this[key];
        set => this[key] = value;
    }

    public ICollection<string> Keys => All().Select(pair => pair.Key).ToList();

    public ICollection<StringValues> Values => All().Select(pair => pair.Value).ToList();

    public int Count => _headers.Count + (ContentLength is null ? 0 : 1);

    public bool IsReadOnly => false;

    public void Add(string key, StringValues value)
    {
        if (ContainsKey(key))
        {
            throw new ArgumentException($"The header '{key}' is already present.", nameof(key));
        }

        this[key] = value;
    }

    public void Add(KeyValuePair<string, StringValues> item) => Add(item.Key, item.Value);

    public void Clear()
    {
        ContentLength = null;
        if (_headers.Count > 0)
        {
            _headers.Clear();
        }
    }

    public bool Contains(KeyValuePair<string, StringValues> item)
        => TryGetValue(item.Key, out StringValues value) && value.Equals(item.Value);

    public bool ContainsKey(string key) => IsContentLength(key) ? ContentLength is not null : _headers.ContainsKey(key);

    public void CopyTo(KeyValuePair<string, StringValues>[] array, int arrayIndex) => All().ToList().CopyTo(array, arrayIndex);

    public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => All().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Remove(string key)
    {
        if (IsContentLength(key))
        {
            bool had = ContentLength is not null;
            ContentLength = null;
            return had;
        }

        return _headers.Remove(key);
    }

    public bool Remove(KeyValuePair<string, StringValues> item) => Contains(item) && Remove(item.Key);

    public bool TryGetValue(string key, out StringValues value)
    {
        value = this[key];
        return ContainsKey(key);
    }

    private static bool IsContentLength(string key) => string.Equals(key, HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase);

    private IEnumerable<KeyValuePair<string, StringValues>> All()
    {
        foreach (KeyValuePair<string, StringValues> pair in _headers)
        {
            yield return pair;
        }

        if (ContentLength is { } length)
        {
            yield return new(HeaderNames.ContentLength, length.ToString(CultureInfo.InvariantCulture));
        }
    }
}
