using System;
using System.Collections;
using System.Collections.Generic;

namespace McpGen.Sessions;

/// <summary>
/// A string set that several requests of one session may change at once (two <c>resources/subscribe</c> in a batch, or
/// in concurrent POSTs): every member takes one lock, and enumeration walks a snapshot, so a store serializing the
/// session never sees the set change under it.
/// </summary>
internal sealed class SynchronizedSet(IEqualityComparer<string> comparer) : ISet<string>
{
    private readonly HashSet<string> _items = new(comparer);

    private object Gate => _items;

    public int Count { get { lock (Gate) { return _items.Count; } } }

    public bool IsReadOnly => false;

    public bool Add(string item) { lock (Gate) { return _items.Add(item); } }

    void ICollection<string>.Add(string item) => Add(item);

    public bool Remove(string item) { lock (Gate) { return _items.Remove(item); } }

    public bool Contains(string item) { lock (Gate) { return _items.Contains(item); } }

    public void Clear() { lock (Gate) { _items.Clear(); } }

    public void CopyTo(string[] array, int arrayIndex) { lock (Gate) { _items.CopyTo(array, arrayIndex); } }

    public void UnionWith(IEnumerable<string> other) => Change(other, static (set, o) => set.UnionWith(o));

    public void IntersectWith(IEnumerable<string> other) => Change(other, static (set, o) => set.IntersectWith(o));

    public void ExceptWith(IEnumerable<string> other) => Change(other, static (set, o) => set.ExceptWith(o));

    public void SymmetricExceptWith(IEnumerable<string> other) => Change(other, static (set, o) => set.SymmetricExceptWith(o));

    public bool IsSubsetOf(IEnumerable<string> other) => Ask(other, static (set, o) => set.IsSubsetOf(o));

    public bool IsSupersetOf(IEnumerable<string> other) => Ask(other, static (set, o) => set.IsSupersetOf(o));

    public bool IsProperSupersetOf(IEnumerable<string> other) => Ask(other, static (set, o) => set.IsProperSupersetOf(o));

    public bool IsProperSubsetOf(IEnumerable<string> other) => Ask(other, static (set, o) => set.IsProperSubsetOf(o));

    public bool Overlaps(IEnumerable<string> other) => Ask(other, static (set, o) => set.Overlaps(o));

    public bool SetEquals(IEnumerable<string> other) => Ask(other, static (set, o) => set.SetEquals(o));

    public IEnumerator<string> GetEnumerator()
    {
        string[] snapshot;
        lock (Gate)
        {
            snapshot = new string[_items.Count];
            _items.CopyTo(snapshot);
        }

        return ((IEnumerable<string>)snapshot).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // The other sequence is copied first: it may be this set itself, or another synchronized set (no lock inside a lock).
    private void Change(IEnumerable<string> other, Action<HashSet<string>, string[]> change)
    {
        ArgumentNullException.ThrowIfNull(other);
        string[] items = [.. other];
        lock (Gate) { change(_items, items); }
    }

    private bool Ask(IEnumerable<string> other, Func<HashSet<string>, string[], bool> ask)
    {
        ArgumentNullException.ThrowIfNull(other);
        string[] items = [.. other];
        lock (Gate) { return ask(_items, items); }
    }
}
