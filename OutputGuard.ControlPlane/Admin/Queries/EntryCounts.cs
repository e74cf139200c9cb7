namespace OutputGuard.ControlPlane.Admin.Queries;

/// <summary>How many entries there are, by kind.</summary>
/// <param name="Domains">Domain entries (wildcards included).</param>
/// <param name="Ips">Single-address entries.</param>
/// <param name="Cidrs">CIDR entries.</param>
/// <param name="Undeletable">Undeletable entries among them.</param>
/// <param name="Suppressed">IP and CIDR entries an internal range covers (they publish nothing).</param>
public sealed record EntryCounts(long Domains, long Ips, long Cidrs, long Undeletable, long Suppressed)
{
    /// <summary>Every entry.</summary>
    public long Total => Domains + Ips + Cidrs;
}
