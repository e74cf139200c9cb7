namespace OutputGuard.ControlPlane.Audit;

/// <summary>What <c>ListAuditEvents</c> keeps; every set condition must hold.</summary>
/// <param name="Actor">Only this actor.</param>
/// <param name="EntryId">Only events about this entry.</param>
/// <param name="From">Only events at or after this time.</param>
/// <param name="To">Only events before this time.</param>
public sealed record AuditFilter(string? Actor = null, long? EntryId = null, DateTimeOffset? From = null, DateTimeOffset? To = null);
