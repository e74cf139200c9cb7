using System.Globalization;
using OutputGuard.ControlPlane.Api;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>
/// Parses ListEntries filters: space-separated terms "kind=domain|ip|cidr", "undeletable=true|false",
/// "value:text", or bare words (value or note contains them). A filter is at most
/// <see cref="InputLimits.MaxFilterLength"/> characters and <see cref="InputLimits.MaxFilterTerms"/> terms, checked
/// before it is split, so that the SQL it becomes is bounded and its cost linear in its size.
/// </summary>
public static class EntryFilterParser
{
    /// <summary>Parses; throws <see cref="EntryRejectedException"/> naming the bad term.</summary>
    public static EntryFilter Parse(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return EntryFilter.All;
        }

        if (filter.Length > InputLimits.MaxFilterLength)
        {
            throw new EntryRejectedException(
                RejectionReason.Invalid,
                string.Create(CultureInfo.InvariantCulture, $"filter is {filter.Length} characters long; at most {InputLimits.MaxFilterLength} are allowed"));
        }

        var terms = filter.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (terms.Length > InputLimits.MaxFilterTerms)
        {
            throw new EntryRejectedException(
                RejectionReason.Invalid,
                string.Create(CultureInfo.InvariantCulture, $"filter has {terms.Length} terms; at most {InputLimits.MaxFilterTerms} are allowed"));
        }

        EntryKind? kind = null;
        bool? undeletable = null;
        string? valueContains = null;
        var words = new List<string>();
        foreach (var term in terms)
        {
            if (SyntaxHint(term) is { } why)
            {
                throw Bad(term, why);
            }

            if (term.StartsWith("kind=", StringComparison.OrdinalIgnoreCase))
            {
                kind = term[5..].ToLowerInvariant() switch
                {
                    "domain" => EntryKind.Domain,
                    "ip" => EntryKind.Ip,
                    "cidr" => EntryKind.Cidr,
                    _ => throw Bad(term, "kind must be domain, ip or cidr (one kind per filter; list the others with another call)"),
                };
            }
            else if (term.StartsWith("undeletable=", StringComparison.OrdinalIgnoreCase))
            {
                undeletable = bool.TryParse(term[12..], out var b) ? b : throw Bad(term, "undeletable must be true or false");
            }
            else if (term.StartsWith("value:", StringComparison.OrdinalIgnoreCase))
            {
                valueContains = term[6..].Length > 0 ? term[6..] : throw Bad(term, "value: needs text after the colon");
            }
            else if (term.Contains('=', StringComparison.Ordinal))
            {
                throw Bad(term, UnknownTermHint(term));
            }
            else
            {
                words.Add(BareWord(term));
            }
        }

        return new EntryFilter(kind, undeletable, valueContains, words.Count > 0 ? words : null);
    }

    /// <summary>Why a term is filter syntax of other APIs (AIP-160) that this filter does not have, else null: it would silently match nothing.</summary>
    private static string? SyntaxHint(string term) => term switch
    {
        "OR" => "OR is not supported: every term must hold; to list several kinds, make one call per kind (filter=kind=domain, then filter=kind=ip)",
        "AND" => "terms are always ANDed: drop AND (filter=kind=domain undeletable=true)",
        "NOT" => "NOT is not supported: filters only keep what matches",
        _ when term.IndexOfAny(['(', ')', '"', '\'']) >= 0 =>
            "parentheses and quotes are not supported: terms are space-separated and all must hold (filter=kind=domain payments)",
        _ when term.StartsWith('-') => "negation is not supported: filters only keep what matches",
        _ => null,
    };

    /// <summary>A bare word, unless it spells a known term with ':' instead of '='.</summary>
    private static string BareWord(string term)
    {
        var colon = term.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && term[..colon].ToLowerInvariant() is "kind" or "undeletable")
        {
            throw Bad(term, $"write {term[..colon]}={term[(colon + 1)..]} ('=' for kind and undeletable, ':' only for value:text)");
        }

        return term;
    }

    private static string UnknownTermHint(string term)
    {
        var key = term[..term.IndexOf('=', StringComparison.Ordinal)];
        return key.ToLowerInvariant() switch
        {
            "value" => $"write value:{term[(key.Length + 1)..]} (value takes ':', it matches text inside the value)",
            "kind!" or "undeletable!" => "negation is not supported: filters only keep what matches",
            _ => "known terms are kind=domain|ip|cidr, undeletable=true|false, value:text and bare words (all must hold)",
        };
    }

    private static EntryRejectedException Bad(string term, string why) =>
        new(RejectionReason.Invalid, $"filter term {InputLimits.Quote(term)}: {why}");
}
