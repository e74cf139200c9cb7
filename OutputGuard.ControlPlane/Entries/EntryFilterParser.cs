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
            if (term.StartsWith("kind=", StringComparison.OrdinalIgnoreCase))
            {
                kind = term[5..].ToLowerInvariant() switch
                {
                    "domain" => EntryKind.Domain,
                    "ip" => EntryKind.Ip,
                    "cidr" => EntryKind.Cidr,
                    _ => throw Bad(term, "kind must be domain, ip or cidr"),
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
                throw Bad(term, "known terms are kind=, undeletable=, value: and bare words");
            }
            else
            {
                words.Add(term);
            }
        }

        return new EntryFilter(kind, undeletable, valueContains, words.Count > 0 ? words : null);
    }

    private static EntryRejectedException Bad(string term, string why) =>
        new(RejectionReason.Invalid, $"filter term {InputLimits.Quote(term)}: {why}");
}
