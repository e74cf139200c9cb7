using System.Globalization;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>
/// The Public Suffix List (publicsuffix.org, as Debian's <c>publicsuffix</c> package installs it): the names under
/// which anyone may register a domain (<c>com</c>, <c>co.uk</c>, <c>github.io</c>). A wildcard entry over one of them
/// would allow every registrant's hosts, so it is refused. The list's rules, its wildcard rules (<c>*.ck</c>) and its
/// exceptions (<c>!www.ck</c>) are read in both sections (ICANN and private), in punycode; a name with one label is a
/// public suffix by the list's default rule.
/// </summary>
public sealed class PublicSuffixList
{
    /// <summary>Where Debian's package puts the list.</summary>
    public const string DebianPath = "/usr/share/publicsuffix/public_suffix_list.dat";

    /// <summary>The longest file read (the list is about 250 kB).</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    private static readonly IdnMapping Idn = new();
    private readonly HashSet<string> _rules;
    private readonly HashSet<string> _wildcards;
    private readonly HashSet<string> _exceptions;

    private PublicSuffixList(HashSet<string> rules, HashSet<string> wildcards, HashSet<string> exceptions, string source)
    {
        _rules = rules;
        _wildcards = wildcards;
        _exceptions = exceptions;
        Source = source;
    }

    /// <summary>Where the list was read from.</summary>
    public string Source { get; }

    /// <summary>How many rules the list holds.</summary>
    public int Count => _rules.Count + _wildcards.Count + _exceptions.Count;

    /// <summary>Reads the list from <paramref name="path"/>; throws <see cref="FileNotFoundException"/> or <see cref="InvalidDataException"/>.</summary>
    public static PublicSuffixList Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path} does not exist (install Debian's publicsuffix package, or set public_suffix_list)", path);
        }

        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"{path} is {info.Length} bytes; a Public Suffix List has at most {MaxFileBytes}");
        }

        return Parse(File.ReadLines(path), path);
    }

    /// <summary>Parses the list's text (one rule a line, <c>//</c> comments).</summary>
    public static PublicSuffixList Parse(IEnumerable<string> lines, string source)
    {
        ArgumentNullException.ThrowIfNull(lines);
        HashSet<string> rules = new(StringComparer.Ordinal), wildcards = new(StringComparer.Ordinal), exceptions = new(StringComparer.Ordinal);
        foreach (var raw in lines)
        {
            // A rule ends at the first white space; the rest of the line is ignored.
            var line = raw.Trim();
            var space = line.IndexOfAny([' ', '\t']);
            if (space >= 0)
            {
                line = line[..space];
            }

            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var target = rules;
            if (line.StartsWith('!'))
            {
                target = exceptions;
                line = line[1..];
            }
            else if (line.StartsWith("*.", StringComparison.Ordinal))
            {
                target = wildcards;
                line = line[2..];
            }

            if (ToAscii(line) is { } ascii)
            {
                target.Add(ascii);
            }
        }

        return rules.Count == 0
            ? throw new InvalidDataException($"{source} holds no public suffix rules")
            : new PublicSuffixList(rules, wildcards, exceptions, source);
    }

    /// <summary>Whether <paramref name="domain"/> (lower-case punycode, no trailing dot) is itself a public suffix.</summary>
    public bool IsPublicSuffix(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (_exceptions.Contains(domain))
        {
            return false;
        }

        if (_rules.Contains(domain))
        {
            return true;
        }

        var dot = domain.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 || _wildcards.Contains(domain[(dot + 1)..]);
    }

    private static string? ToAscii(string label)
    {
        try
        {
            return Idn.GetAscii(label).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
