using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Addressing;

/// <summary>
/// Reads the addresses and CIDRs operators type, in every spelling that some tool would send to
/// a different address than a person reads (inet_aton's integer, hex, octal and short forms;
/// IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 forms; zone ids), and refuses anything that
/// is or overlaps an internal range, with a message that names the input, what it normalised to
/// and the range.
/// </summary>
public static class OperatorAddress
{
    /// <summary>The default shortest IPv4 prefix length allowed (/8).</summary>
    public const int DefaultMaxIPv4Breadth = 8;

    /// <summary>The default shortest IPv6 prefix length allowed (/32).</summary>
    public const int DefaultMaxIPv6Breadth = 32;

    private const string Refusal = "internal addresses cannot be allowed";

    /// <summary>
    /// Parses and checks <paramref name="input"/>: an IPv4 or IPv6 address with an optional
    /// <c>/length</c>. Refuses, with a reason in <paramref name="error"/>: malformed input; a CIDR with
    /// host bits set; an address in, or a CIDR overlapping, an internal range of
    /// <paramref name="ranges"/> (including through an embedded IPv4 address or either reading of
    /// an ambiguous leading-zero spelling); a zone id; a deprecated IPv4-compatible address; and a
    /// CIDR shorter than <paramref name="maxIPv4Breadth"/> or <paramref name="maxIPv6Breadth"/>.
    /// </summary>
    public static bool TryParse(
        string? input,
        InternalRanges ranges,
        out ParsedAddress result,
        [NotNullWhen(false)] out string? error,
        int maxIPv4Breadth = DefaultMaxIPv4Breadth,
        int maxIPv6Breadth = DefaultMaxIPv6Breadth)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentOutOfRangeException.ThrowIfNegative(maxIPv4Breadth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxIPv4Breadth, 32);
        ArgumentOutOfRangeException.ThrowIfNegative(maxIPv6Breadth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxIPv6Breadth, 128);

        result = default;
        var text = input?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            error = "an address or CIDR is required";
            return false;
        }

        var check = new Check(text, ranges, maxIPv4Breadth, maxIPv6Breadth);
        error = check.Run(out result);
        return error is null;
    }

    /// <summary>One parse: the trimmed input, the ranges and the limits, and the steps in order.</summary>
    private sealed class Check(string text, InternalRanges ranges, int maxIPv4Breadth, int maxIPv6Breadth)
    {
        private string? _zone;

        public string? Run(out ParsedAddress result)
        {
            result = default;
            var address = text;
            int? length = null;
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                address = text[..slash];
                var lengthText = text[(slash + 1)..];
                if (lengthText.Length is 0 or > 3 || !lengthText.All(char.IsAsciiDigit))
                {
                    return $"'{text}' has '{lengthText}' where a prefix length belongs";
                }

                length = int.Parse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture);
            }

            return address.Contains(':', StringComparison.Ordinal)
                ? RunIPv6(address, length, out result)
                : RunIPv4(address, length, out result);
        }

        private string? RunIPv4(string address, int? length, out ParsedAddress result)
        {
            result = default;
            if (length > 32)
            {
                return $"'{text}' has a prefix length of {length}; IPv4 allows 0 to 32";
            }

            if (!address.All(c => char.IsAsciiHexDigit(c) || c is '.' or 'x' or 'X')
                || !InetAton.TryRead(address, out var inetAton, out var asDecimal))
            {
                return $"'{text}' is not an IPv4 or IPv6 address or CIDR";
            }

            if (inetAton.HasValue && asDecimal.HasValue && inetAton != asDecimal)
            {
                var octal = IpPrefix.FromNumber(AddressFamily.InterNetwork, inetAton.Value, length ?? 32);
                var decimalReading = IpPrefix.FromNumber(AddressFamily.InterNetwork, asDecimal.Value, length ?? 32);
                var a = Spell(AddressFamily.InterNetwork, inetAton.Value, length);
                var b = Spell(AddressFamily.InterNetwork, asDecimal.Value, length);
                if (ranges.TryFindOverlap(decimalReading, out var range))
                {
                    return Internal($"'{text}' ({b} with its leading zeros read as decimal)", decimalReading, range);
                }

                if (ranges.TryFindOverlap(octal, out range))
                {
                    return Internal($"'{text}' ({a} with its leading zeros read as octal, as inet_aton does)", octal, range);
                }

                return $"'{text}' is ambiguous: with its leading zeros read as octal (as inet_aton does) it is {a}, "
                    + $"read as decimal it is {b}; write it without leading zeros";
            }

            return Finish(AddressFamily.InterNetwork, inetAton ?? asDecimal!.Value, length, embedded: null, out result);
        }

        private string? RunIPv6(string address, int? length, out ParsedAddress result)
        {
            result = default;
            var percent = address.IndexOf('%', StringComparison.Ordinal);
            if (percent >= 0)
            {
                _zone = address[(percent + 1)..];
                address = address[..percent];
                if (_zone.Length == 0 || !_zone.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                {
                    return $"'{text}' has a malformed zone id '%{_zone}'";
                }
            }

            if (!address.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.'))
            {
                return $"'{text}' is not an IPv4 or IPv6 address or CIDR";
            }

            if (address.Contains('.', StringComparison.Ordinal) && !IsDottedQuad(address[(address.LastIndexOf(':') + 1)..]))
            {
                return $"'{text}' has an IPv4 part that is not four decimal numbers from 0 to 255 without leading zeros";
            }

            if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return $"'{text}' is not an IPv4 or IPv6 address or CIDR";
            }

            if (length > 128)
            {
                return $"'{text}' has a prefix length of {length}; IPv6 allows 0 to 128";
            }

            var number = IpPrefix.ToNumber(parsed);
            var bits = length ?? 128;
            if (bits >= 96 && SpecialPurposeRegistry.Mapped.Contains(number))
            {
                // IPv4-mapped: never stored as IPv6.
                return Finish(AddressFamily.InterNetwork, number & uint.MaxValue, length - 96, embedded: null, out result);
            }

            Embedding? embedded = null;
            var network = IpPrefix.FromNumber(AddressFamily.InterNetworkV6, number, bits);
            if (bits >= 96 && SpecialPurposeRegistry.Compatible.Contains(network) && network.First > UInt128.One)
            {
                embedded = new Embedding("an IPv4-compatible address, deprecated (RFC 4291)", 96, Deprecated: true);
            }
            else if (SpecialPurposeRegistry.Nat64.Contains(network))
            {
                embedded = new Embedding("the NAT64 prefix 64:ff9b::/96 (RFC 6052)", 96, Deprecated: false);
            }
            else if (SpecialPurposeRegistry.SixToFour.Contains(network))
            {
                embedded = new Embedding("the 6to4 prefix 2002::/16 (RFC 3056)", 16, Deprecated: false);
            }

            return Finish(AddressFamily.InterNetworkV6, number, length, embedded, out result);
        }

        /// <summary>Host bits, embedded IPv4, internal ranges, zone id, breadth — in that order.</summary>
        private string? Finish(AddressFamily family, UInt128 number, int? length, Embedding? embedded, out ParsedAddress result)
        {
            result = default;
            var max = IpPrefix.MaxLengthOf(family);
            var prefix = IpPrefix.FromNumber(family, number, length ?? max);
            var spelled = Spell(family, number, length);
            var quoted = string.Equals(spelled, text, StringComparison.OrdinalIgnoreCase) ? $"'{text}'" : $"'{text}' ({spelled})";
            if (prefix.First != number)
            {
                return $"{quoted} has host bits set; the network is {prefix}";
            }

            if (embedded is { } e)
            {
                var v4Length = Math.Clamp(prefix.Length - e.Offset, 0, 32);
                var v4 = IpPrefix.FromNumber(AddressFamily.InterNetwork, prefix.First >> (128 - e.Offset - 32), v4Length);
                var v4Text = v4.IsHost ? v4.Address.ToString() : v4.ToString();
                if (ranges.TryFindOverlap(v4, out var v4Range))
                {
                    return Internal($"{quoted}, which embeds {v4Text} in {e.Kind},", v4, v4Range);
                }

                if (e.Deprecated)
                {
                    return $"{quoted} is {e.Kind}; write the IPv4 {(v4.IsHost ? "address" : "network")} {v4Text} instead";
                }
            }

            if (ranges.TryFindOverlap(prefix, out var range))
            {
                return Internal(quoted, prefix, range);
            }

            if (_zone is not null)
            {
                return $"{quoted} has the zone id '%{_zone}': a zone id is not part of a public address";
            }

            var breadth = family == AddressFamily.InterNetwork ? maxIPv4Breadth : maxIPv6Breadth;
            if (prefix.Length < breadth)
            {
                return $"{quoted} is broader than /{breadth}, the broadest {(max == 32 ? "IPv4" : "IPv6")} prefix allowed";
            }

            result = new ParsedAddress(prefix, !prefix.IsHost);
            return null;
        }

        private static string Internal(string subject, IpPrefix prefix, NamedRange range) =>
            $"{subject} {(range.Prefix.Contains(prefix) ? "is in" : "overlaps")} {range.Prefix}, {range.Name}: {Refusal}";

        private static string Spell(AddressFamily family, UInt128 number, int? length) =>
            length is { } l
                ? $"{IpPrefix.ToAddress(family, number)}/{l.ToString(CultureInfo.InvariantCulture)}"
                : IpPrefix.ToAddress(family, number).ToString();

        /// <summary>The IPv4 tail of an IPv6 address as RFC 4291 writes it: four decimal parts, no leading zeros.</summary>
        private static bool IsDottedQuad(string tail)
        {
            var parts = tail.Split('.');
            return parts.Length == 4 && parts.All(p =>
                p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0')
                && int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture) <= 255);
        }
    }

    /// <summary>An IPv4 address carried inside an IPv6 one, its first bit at <c>Offset</c>.</summary>
    private readonly record struct Embedding(string Kind, int Offset, bool Deprecated);
}
