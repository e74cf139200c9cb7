using System.Globalization;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>
/// Normalises and checks domain names as RFC 1123 and RFC 5890 have them: lower case, no trailing
/// dot, internationalised labels as punycode, at most 253 characters, labels of 1 to 63 letters,
/// digits and inner hyphens, a wildcard only as the whole leftmost label (<c>*.example.com</c>).
/// </summary>
public static class DomainNames
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    // Special-use names that never denote a public host (RFC 6761, 6762, 8375, and ICANN's .internal).
    private static readonly string[] SpecialUse = ["localhost", "local", "internal", "home.arpa", "arpa", "invalid", "onion"];

    /// <summary>Normalises <paramref name="input"/>; on failure <paramref name="error"/> names the problem.</summary>
    public static bool TryNormalize(string input, out string normalized, out string error)
    {
        normalized = string.Empty;
        var t = input.Trim();
        if (t.EndsWith('.'))
        {
            t = t[..^1];
        }

        if (t.Length == 0)
        {
            error = $"'{input}' is not a domain name";
            return false;
        }

        var wildcard = false;
        if (t.StartsWith("*.", StringComparison.Ordinal))
        {
            wildcard = true;
            t = t[2..];
        }

        if (t.Contains('*', StringComparison.Ordinal))
        {
            error = $"'{input}': a wildcard is allowed only as the whole leftmost label, as in *.example.com";
            return false;
        }

        if (t.Length > 253)
        {
            error = $"'{input}' is {t.Length} characters long; a domain name has at most 253";
            return false;
        }

        string ascii;
        try
        {
            ascii = Idn.GetAscii(t).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = DescribeBadLabel(input, t);
            return false;
        }

        var labels = ascii.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63)
            {
                error = $"'{input}': label '{label}' must be 1 to 63 characters long";
                return false;
            }

            if (label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                error = $"'{input}': label '{label}' may hold only letters, digits and inner hyphens";
                return false;
            }
        }

        if (labels.Length < 2 && wildcard)
        {
            error = $"'{input}' covers the public suffix '{ascii}': a wildcard needs a registered domain under it, as in *.example.{ascii}";
            return false;
        }

        if (labels.Length < 2)
        {
            error = $"'{input}' is a single label; a public domain name has at least two (example.com)";
            return false;
        }

        if (labels[^1].All(char.IsAsciiDigit))
        {
            error = $"'{input}': a top-level domain is never all digits";
            return false;
        }

        var full = (wildcard ? "*." : string.Empty) + ascii;
        if (full.Length > 253)
        {
            error = $"'{input}' is {full.Length} characters long; a domain name has at most 253";
            return false;
        }

        foreach (var special in SpecialUse)
        {
            if (ascii == special || ascii.EndsWith("." + special, StringComparison.Ordinal))
            {
                error = $"'{input}' is under the special-use domain '{special}', which is never public";
                return false;
            }
        }

        normalized = full;
        error = string.Empty;
        return true;
    }

    private static string DescribeBadLabel(string input, string name)
    {
        foreach (var label in name.Split('.'))
        {
            if (label.Length == 0)
            {
                return $"'{input}' has an empty label (two dots in a row, or a leading dot)";
            }

            if (label.Length > 63)
            {
                return $"'{input}': label '{label}' must be 1 to 63 characters long";
            }

            if (label.StartsWith('-') || label.EndsWith('-'))
            {
                return $"'{input}': label '{label}' may not start or end with a hyphen";
            }
        }

        return $"'{input}' is not a valid domain name: labels may hold only letters, digits and inner hyphens";
    }
}
