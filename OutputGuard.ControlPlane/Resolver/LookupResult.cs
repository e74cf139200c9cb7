using System.Net.Sockets;

namespace OutputGuard.ControlPlane.Resolver;

/// <summary>The union of what the configured name servers answered for one domain, by record type.</summary>
/// <param name="Outcome">Answered (some server answered some type), NXDOMAIN (every server, both types), or failed.</param>
/// <param name="Addresses">Public addresses answered, distinct (smallest TTL kept).</param>
/// <param name="SkippedInternal">Internal addresses answered, never published.</param>
/// <param name="Error">Why the lookup, or a part of it, failed or found nothing; empty when every answer was complete.</param>
/// <param name="Answers">How each name server answered each record type.</param>
public sealed record LookupResult(
    LookupOutcome Outcome,
    IReadOnlyList<AnsweredAddress> Addresses,
    IReadOnlyList<string> SkippedInternal,
    string Error,
    IReadOnlyList<RecordTypeAnswer> Answers)
{
    /// <summary>A failed lookup with its reason.</summary>
    public static LookupResult Failure(string error, IReadOnlyList<RecordTypeAnswer>? answers = null) =>
        new(LookupOutcome.Failed, [], [], error, answers ?? []);

    /// <summary>Record types that some name server failed while the lookup got an answer (see <see cref="RecordTypeAnswer.PartialTypes"/>).</summary>
    public IReadOnlyList<string> PartialTypes => RecordTypeAnswer.PartialTypes(Answers);

    /// <summary>
    /// Whether addresses of <paramref name="family"/> that this lookup did not return may start their grace
    /// period (and leave after it): only when the lookup got a definite answer and every name server answered
    /// that family's record type.
    /// </summary>
    public bool AgesOut(AddressFamily family) =>
        Outcome != LookupOutcome.Failed
        && !PartialTypes.Contains(family == AddressFamily.InterNetwork ? RecordTypeAnswer.A : RecordTypeAnswer.Aaaa, StringComparer.Ordinal);

    /// <summary>The smallest TTL answered, or null when no address was answered.</summary>
    public int? MinTtlSeconds => Addresses.Count == 0 ? null : Addresses.Min(a => a.TtlSeconds);
}
