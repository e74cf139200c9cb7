using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>
/// Turns what an operator typed into a <see cref="NewEntry"/>, or a message that names the problem.
/// The kind is decided here: anything with ':' or '/' or only numeric labels is an address (every
/// inet_aton spelling included, so an internal address cannot slip in as a "domain"), the rest a domain.
/// </summary>
public sealed class EntryValidator
{
    /// <summary>The longest note accepted.</summary>
    public const int MaxNoteLength = 1024;

    /// <summary>The most port rules one entry may carry.</summary>
    public const int MaxPortRules = 64;

    private readonly int _maxV4Breadth;
    private readonly int _maxV6Breadth;

    /// <summary>
    /// Creates a validator with the configured internal ranges and CIDR breadth limits; wildcard domains are checked
    /// against <paramref name="publicSuffixes"/>, and refused when there is none (<paramref name="publicSuffixProblem"/> says why).
    /// </summary>
    public EntryValidator(InternalRanges internalRanges, int maxIPv4Breadth, int maxIPv6Breadth, PublicSuffixList? publicSuffixes = null, string? publicSuffixProblem = null)
    {
        InternalRanges = internalRanges;
        _maxV4Breadth = maxIPv4Breadth;
        _maxV6Breadth = maxIPv6Breadth;
        PublicSuffixes = publicSuffixes;
        PublicSuffixProblem = publicSuffixes is null ? publicSuffixProblem ?? "no Public Suffix List was loaded" : null;
    }

    /// <summary>The Public Suffix List wildcards are checked against; null when it could not be read.</summary>
    public PublicSuffixList? PublicSuffixes { get; }

    /// <summary>Why there is no <see cref="PublicSuffixes"/> ("public_suffix_list /x: does not exist"); null when there is.</summary>
    public string? PublicSuffixProblem { get; }

    /// <summary>The internal ranges in force.</summary>
    public InternalRanges InternalRanges { get; }

    /// <summary>Builds the validator from the configuration; a bad CIDR there is a <see cref="ConfigurationException"/>.</summary>
    public static EntryValidator FromOptions(ControlPlaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        PublicSuffixList? suffixes = null;
        string? problem = null;
        try
        {
            suffixes = PublicSuffixList.Load(options.PublicSuffixList);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            problem = $"public_suffix_list {options.PublicSuffixList}: {e.Message}";
        }

        return new(BuildRanges(options.InternalRanges, options.TreatAsPublic), options.MaxIPv4PrefixBreadth, options.MaxIPv6PrefixBreadth, suffixes, problem);
    }

    /// <summary>The internal ranges: the defaults, plus <paramref name="extraInternal"/>, minus <paramref name="treatAsPublic"/>.</summary>
    public static InternalRanges BuildRanges(IEnumerable<string> extraInternal, IEnumerable<string> treatAsPublic) =>
        InternalRanges.Create(ParseList(extraInternal, "internal_ranges"), ParseList(treatAsPublic, "treat_as_public"));

    /// <summary>Validates and normalises; on failure <paramref name="error"/> names the problem.</summary>
    public bool TryValidate(string? value, IEnumerable<string>? ports, string? note, bool undeletable, out NewEntry entry, out string error)
    {
        entry = null!;
        var text = (value ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            error = "entry.value is required: a domain, an IP address or a CIDR";
            return false;
        }

        if (text.Length > 300)
        {
            error = "entry.value is longer than 300 characters";
            return false;
        }

        if (ValueHints.Describe(text) is { } hint)
        {
            error = hint;
            return false;
        }

        if (!TryValidatePorts(ports, out var rules, out error) || !TryValidateNote(note, out var noteText, out error))
        {
            return false;
        }

        if (LooksLikeAddress(text))
        {
            if (!OperatorAddress.TryParse(text, InternalRanges, out var parsed, out var addressError, _maxV4Breadth, _maxV6Breadth))
            {
                error = "entry.value: " + addressError;
                return false;
            }

            entry = new NewEntry(parsed.Prefix.ToString(), parsed.IsCidr ? EntryKind.Cidr : EntryKind.Ip, rules, noteText, undeletable);
            error = string.Empty;
            return true;
        }

        if (!DomainNames.TryNormalize(text, out var domain, out var domainError))
        {
            error = "entry.value: " + domainError;
            return false;
        }

        if (!TryCheckWildcard(domain, out error))
        {
            error = "entry.value: " + error;
            return false;
        }

        entry = new NewEntry(domain, EntryKind.Domain, rules, noteText, undeletable);
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// A wildcard (<c>*.example.com</c>) over a public suffix (<c>*.co.uk</c>, <c>*.github.io</c>) is refused, naming
    /// the suffix; without a Public Suffix List every wildcard is refused, naming why there is none.
    /// </summary>
    public bool TryCheckWildcard(string domain, out string error)
    {
        ArgumentNullException.ThrowIfNull(domain);
        error = string.Empty;
        if (!domain.StartsWith("*.", StringComparison.Ordinal))
        {
            return true;
        }

        var under = domain[2..];
        if (PublicSuffixes is null)
        {
            error = $"'{domain}': wildcard entries are checked against the Public Suffix List, and it is not loaded ({PublicSuffixProblem})";
            return false;
        }

        if (PublicSuffixes.IsPublicSuffix(under))
        {
            error = $"'{domain}' covers the public suffix '{under}' (Public Suffix List): a wildcard needs a registered domain under it, as in *.example.{under}";
            return false;
        }

        return true;
    }

    /// <summary>Validates a change of ports and/or note (null: unchanged); on failure <paramref name="error"/> names the problem.</summary>
    public static bool TryValidatePatch(IEnumerable<string>? ports, string? note, out EntryPatch patch, out string error)
    {
        patch = null!;
        IReadOnlyList<PortRule>? rules = null;
        string? noteText = null;
        if ((ports is not null && !TryValidatePorts(ports, out rules, out error)) || (note is not null && !TryValidateNote(note, out noteText, out error)))
        {
            return false;
        }

        patch = new EntryPatch(rules, noteText);
        error = string.Empty;
        return true;
    }

    private static bool TryValidatePorts(IEnumerable<string>? ports, out IReadOnlyList<PortRule> rules, out string error)
    {
        var portTexts = (ports ?? []).ToList();
        rules = [];
        if (portTexts.Count > MaxPortRules)
        {
            error = $"entry.ports has {portTexts.Count} rules; at most {MaxPortRules} are allowed";
            return false;
        }

        rules = PortRules.Normalize(portTexts, out var portError);
        error = portError is null ? string.Empty : "entry.ports: " + portError;
        return portError is null;
    }

    private static bool TryValidateNote(string? note, out string noteText, out string error)
    {
        noteText = (note ?? string.Empty).Trim();
        error = noteText.Length > MaxNoteLength
            ? $"entry.note is {noteText.Length} characters long; at most {MaxNoteLength} are allowed"
            : string.Empty;
        return error.Length == 0;
    }

    /// <summary>
    /// Whether the text is an address in some spelling rather than a domain: it has ':' or '/', or
    /// every dot-separated part is a number in decimal, octal or hex (a top-level domain is never numeric).
    /// </summary>
    public static bool LooksLikeAddress(string text)
    {
        if (text.Contains(':', StringComparison.Ordinal) || text.Contains('/', StringComparison.Ordinal))
        {
            return true;
        }

        var parts = text.TrimEnd('.').Split('.');
        return parts.All(p => p.Length > 0 && (p.All(char.IsAsciiDigit)
            || (p.Length > 1 && p[0] == '0' && (p[1] is 'x' or 'X') && p[2..].All(char.IsAsciiHexDigit))));
    }

    private static List<IpPrefix> ParseList(IEnumerable<string> cidrs, string key)
    {
        var list = new List<IpPrefix>();
        foreach (var cidr in cidrs)
        {
            if (!IpPrefix.TryParse(cidr.Trim(), out var prefix, out var error))
            {
                throw new ConfigurationException($"{key}: {error}");
            }

            list.Add(prefix);
        }

        return list;
    }
}
