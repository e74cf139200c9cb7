using System.Globalization;
using System.Text.RegularExpressions;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// What the kernel's allow-sets hold, written into the table itself (the comment of the one rule of the chain
/// <c>state</c>, which nothing jumps to) in the same batch as every change: the control-plane store the
/// destinations come from and the revision of the last change. A state file that disagrees with it is refused.
/// </summary>
/// <param name="StoreId">The store id (empty when unknown).</param>
/// <param name="Revision">The revision of the last change committed to the allow-sets.</param>
public sealed partial record TableMarker(string StoreId, long Revision)
{
    /// <summary>No marker: nothing applied yet.</summary>
    public static TableMarker None { get; } = new(string.Empty, 0);

    /// <summary>The rule comment, e.g. <c>outputguard store 5f0c… revision 42</c> (<c>-</c> for an unknown store).</summary>
    public string Comment => string.Create(
        CultureInfo.InvariantCulture, $"outputguard store {(StoreId.Length == 0 ? "-" : StoreId)} revision {Revision}");

    /// <summary>Reads a comment written by <see cref="Comment"/>; null for anything else.</summary>
    public static TableMarker? Parse(string? comment)
    {
        var m = comment is null ? null : Pattern().Match(comment);
        if (m is not { Success: true } || !long.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            return null;
        }

        return new TableMarker(m.Groups[1].Value == "-" ? string.Empty : m.Groups[1].Value, revision);
    }

    [GeneratedRegex(@"^outputguard store (-|[A-Za-z0-9._-]{1,64}) revision ([0-9]{1,19})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
