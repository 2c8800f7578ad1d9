using System;
using System.Globalization;

namespace McpGen;

/// <summary>
/// Parses ISO 8601 durations (<c>P[nD]T[nH][nM][n[.f]S]</c>, plus <c>nW</c>); years and months are refused (not fixed
/// lengths). The binder accepts them for <see cref="TimeSpan"/> parameters besides the <c>"c"</c> format the schema
/// describes (docs/schemas.md); nothing is written in this form.
/// </summary>
internal static class IsoDuration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        ReadOnlySpan<char> s = text.AsSpan();
        bool negative = false;
        if (s.Length > 0 && s[0] == '-')
        {
            negative = true;
            s = s[1..];
        }

        if (s.Length < 2 || s[0] != 'P')
        {
            return false;
        }

        s = s[1..];
        bool inTime = false;
        bool any = false;
        double totalSeconds = 0;
        while (!s.IsEmpty)
        {
            if (s[0] == 'T')
            {
                if (inTime)
                {
                    return false;
                }

                inTime = true;
                s = s[1..];
                if (s.IsEmpty)
                {
                    return false;
                }

                continue;
            }

            int i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.' || s[i] == ','))
            {
                i++;
            }

            if (i == 0 || i == s.Length
                || !double.TryParse(s[..i].ToString().Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n))
            {
                return false;
            }

            char unit = s[i];
            double seconds = (inTime, unit) switch
            {
                (false, 'W') => n * 7 * 86400,
                (false, 'D') => n * 86400,
                (true, 'H') => n * 3600,
                (true, 'M') => n * 60,
                (true, 'S') => n,
                _ => double.NaN,
            };
            if (double.IsNaN(seconds))
            {
                return false;
            }

            totalSeconds += seconds;
            any = true;
            s = s[(i + 1)..];
        }

        if (!any || totalSeconds > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(totalSeconds * TimeSpan.TicksPerSecond));
        if (negative)
        {
            value = value.Negate();
        }

        return true;
    }
}
