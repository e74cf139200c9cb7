namespace OutputGuard.ControlPlane.Audit;

/// <summary>One committed change, with who made it.</summary>
/// <param name="Id">Sequence number.</param>
/// <param name="Time">Commit time (UTC).</param>
/// <param name="Actor">Token name, or "system".</param>
/// <param name="Action">"entry.create", "entry.delete", "token.bootstrap", ...</param>
/// <param name="EntryId">The entry concerned, if any.</param>
/// <param name="Before">JSON of the entry before; null for a creation.</param>
/// <param name="After">JSON of the entry after; null for a deletion.</param>
/// <param name="Revision">The desired-state revision the change produced, 0 if none.</param>
public sealed record AuditEvent(
    long Id,
    DateTimeOffset Time,
    string Actor,
    string Action,
    long? EntryId,
    string? Before,
    string? After,
    long Revision);
