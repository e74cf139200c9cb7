namespace OutputGuard.Addressing;

/// <summary>
/// Reads IPv4 addresses the way inet_aton(3) does — one to four parts, each decimal, octal with a
/// leading 0, or hexadecimal with 0x, the last part filling the remaining bytes ("10.1" is 10.0.0.1,
/// "3221226113" is 192.0.2.129) — and also the way a person reads them, with leading zeros
/// decimal. The two readings differ only when a part has a leading zero.
/// </summary>
internal static class InetAton
{
    /// <summary>
    /// Reads <paramref name="text"/> both ways. False when neither reading is an address. A reading that
    /// is not an address (an octal part with an 8 or 9, say) is null.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<char> text, out uint? asInetAton, out uint? asDecimal)
    {
        asInetAton = Read(text, leadingZeroIsOctal: true);
        asDecimal = Read(text, leadingZeroIsOctal: false);
        return asInetAton.HasValue || asDecimal.HasValue;
    }

    private static uint? Read(ReadOnlySpan<char> text, bool leadingZeroIsOctal)
    {
        Span<ulong> parts = stackalloc ulong[4];
        var count = 0;
        foreach (var range in text.Split('.'))
        {
            if (count == 4 || !TryReadPart(text[range], leadingZeroIsOctal, out parts[count]))
            {
                return null;
            }

            count++;
        }

        ulong value = 0;
        for (var i = 0; i < count - 1; i++)
        {
            if (parts[i] > 0xFF)
            {
                return null;
            }

            value |= parts[i] << (24 - (8 * i));
        }

        var lastBits = 32 - (8 * (count - 1));
        var last = parts[count - 1];
        if (last >= 1UL << lastBits)
        {
            return null;
        }

        return (uint)(value | last);
    }

    private static bool TryReadPart(ReadOnlySpan<char> part, bool leadingZeroIsOctal, out ulong value)
    {
        value = 0;
        var radix = 10;
        if (part.Length > 2 && part[0] == '0' && part[1] is 'x' or 'X')
        {
            radix = 16;
            part = part[2..];
        }
        else if (part.Length > 1 && part[0] == '0' && leadingZeroIsOctal)
        {
            radix = 8;
            part = part[1..];
        }

        if (part.IsEmpty)
        {
            return false;
        }

        foreach (var c in part)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => int.MaxValue,
            };
            if (digit >= radix)
            {
                return false;
            }

            value = (value * (ulong)radix) + (ulong)digit;
            if (value > uint.MaxValue)
            {
                return false;
            }
        }

        return true;
    }
}
