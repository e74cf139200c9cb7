namespace OutputGuard.ControlPlane.Resolver;

/// <summary>How a domain entry's lookups went, as stored.</summary>
/// <param name="LastAttempt">When the domain was last looked up.</param>
/// <param name="LastSuccess">When a lookup last got a definite answer, or null.</param>
/// <param name="LastError">Why the last lookup failed or found nothing; empty after a success.</param>
/// <param name="ConsecutiveFailures">Failed lookups in a row.</param>
/// <param name="SkippedInternal">Internal addresses of the last answer (never published).</param>
/// <param name="ExcessCount">Addresses of the last answer over the per-domain cap.</param>
/// <param name="ExcessAddresses">Up to <see cref="MaxExcessShown"/> of them.</param>
/// <param name="Answers">How each name server answered each record type in the last lookup (empty before this was recorded).</param>
public sealed record ResolutionStatus(
    DateTimeOffset LastAttempt,
    DateTimeOffset? LastSuccess,
    string LastError,
    int ConsecutiveFailures,
    IReadOnlyList<string> SkippedInternal,
    int ExcessCount,
    IReadOnlyList<string> ExcessAddresses,
    IReadOnlyList<RecordTypeAnswer> Answers)
{
    /// <summary>Record types of the last lookup that some name server failed while it got an answer: none of their addresses ages out.</summary>
    public IReadOnlyList<string> PartialTypes => RecordTypeAnswer.PartialTypes(Answers);

    /// <summary>How many excess addresses are kept for display.</summary>
    public const int MaxExcessShown = 16;
}
