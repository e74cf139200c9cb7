namespace OutputGuard.ControlPlane.Legacy.Import;

/// <summary>One row of the replaced system's <c>crawler_proxies</c> table (gorm's name for <c>CrawlerProxy</c>).</summary>
/// <param name="Id">id.</param>
/// <param name="Types">types: "IP" or "Domain".</param>
/// <param name="Ip">ip: the address or CIDR (of a domain row: one resolved address).</param>
/// <param name="Name">name: the domain of a domain row.</param>
/// <param name="IsNoDel">is_no_del: the row may not be deleted.</param>
/// <param name="IsLocalNet">is_local_net: the row is an internal address.</param>
public sealed record LegacyRow(long Id, string Types, string Ip, string Name, bool IsNoDel, bool IsLocalNet);
