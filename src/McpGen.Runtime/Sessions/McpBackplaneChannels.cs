using System;

namespace McpGen.Sessions;

/// <summary>
/// The two kinds of <see cref="IMcpBackplane"/> channel. An <em>addressed</em> channel, <c>@{address}:{topic}</c>, names
/// the one target its messages are for (a replica, or the replicas that serve one server's change feed); a backplane
/// delivers its messages only to the processes that subscribed to some channel with that address. Every other channel
/// is a <em>broadcast</em> channel: every process may receive its messages and keeps those it has subscribers for.
/// </summary>
/// <remarks>
/// An address is 1 to <see cref="MaxAddressLength"/> ASCII letters, digits, <c>-</c> or <c>_</c> (so it fits in a
/// PostgreSQL <c>NOTIFY</c> channel name, a Redis channel name, or a Redis Cluster hash tag).
/// </remarks>
public static class McpBackplaneChannels
{
    /// <summary>The longest address of an addressed channel.</summary>
    public const int MaxAddressLength = 16;

    /// <summary>The channel <c>@{address}:{topic}</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not an address.</exception>
    public static string Addressed(string address, string topic)
    {
        if (!IsAddress(address))
        {
            throw new ArgumentException($"A backplane address has 1 to {MaxAddressLength} ASCII letters, digits, '-' or '_'; '{address}' is not one.", nameof(address));
        }

        return string.Concat("@", address, ":", topic);
    }

    /// <summary>The address of an addressed channel (<c>@{address}:{topic}</c>); empty for a broadcast channel.</summary>
    public static ReadOnlySpan<char> AddressOf(ReadOnlySpan<char> channel)
    {
        if (channel.Length < 3 || channel[0] != '@')
        {
            return default;
        }

        int colon = channel.IndexOf(':');
        return colon > 1 && IsAddress(channel[1..colon]) ? channel[1..colon] : default;
    }

    /// <summary>Whether <paramref name="value"/> can be an address.</summary>
    public static bool IsAddress(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxAddressLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
