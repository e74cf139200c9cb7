namespace OutputGuard.ControlPlane.Resolver;

/// <summary>How one name server answered one record type (A or AAAA) of a lookup.</summary>
/// <param name="NameServer">The name server, "ADDRESS:PORT".</param>
/// <param name="RecordType">"A" or "AAAA".</param>
/// <param name="Outcome">Answered (with or without addresses), NXDOMAIN, or failed.</param>
/// <param name="Addresses">How many addresses it answered (public and internal).</param>
/// <param name="Error">Why it failed ("REFUSED", "SERVFAIL", "timeout", …), or empty.</param>
public sealed record RecordTypeAnswer(string NameServer, string RecordType, LookupOutcome Outcome, int Addresses, string Error)
{
    /// <summary>The record type of IPv4 addresses.</summary>
    public const string A = "A";

    /// <summary>The record type of IPv6 addresses.</summary>
    public const string Aaaa = "AAAA";

    /// <summary>
    /// The record types that are partial in a lookup with these answers: some name server failed them while the
    /// lookup as a whole got an answer. None of their addresses ages out; the other type's are published as usual.
    /// </summary>
    public static IReadOnlyList<string> PartialTypes(IReadOnlyCollection<RecordTypeAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        return answers.Any(a => a.Outcome == LookupOutcome.Answered)
            ? answers.Where(a => a.Outcome == LookupOutcome.Failed).Select(a => a.RecordType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
            : [];
    }
}
