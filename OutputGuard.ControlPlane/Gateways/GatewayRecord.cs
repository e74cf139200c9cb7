namespace OutputGuard.ControlPlane.Gateways;

/// <summary>A gateway as the registry keeps it.</summary>
/// <param name="Id">The id the gateway gave in its Hello.</param>
/// <param name="Hostname">The gateway host's name.</param>
/// <param name="Version">The agent's version.</param>
/// <param name="AppliedRevision">The last revision it acknowledged.</param>
/// <param name="LastSeen">When a replica last heard from it (UTC).</param>
/// <param name="Connected">Whether a replica holds its stream now.</param>
/// <param name="ElementCount">Destinations in its kernel allow-sets, as it reported.</param>
/// <param name="TokenName">The token name it authenticated with.</param>
/// <param name="Replica">The replica that holds (or last held) its stream.</param>
/// <param name="StoreId">The store its applied state comes from: the id in its Hello, this store's once it acknowledged.</param>
/// <param name="Observe">Whether it runs in observe mode (counts what it would drop, drops nothing), as its Hello said.</param>
/// <param name="Kind">"" for an OutputGuard gateway (gRPC sync), "legacy" for a gateway of the replaced system (WebSocket).</param>
public sealed record GatewayRecord(
    string Id,
    string Hostname,
    string Version,
    long AppliedRevision,
    DateTimeOffset LastSeen,
    bool Connected,
    long ElementCount,
    string TokenName,
    string Replica,
    string StoreId = "",
    bool Observe = false,
    string Kind = "")
{
    /// <summary>The <see cref="Kind"/> of a gateway of the replaced system on the legacy WebSocket.</summary>
    public const string LegacyKind = "legacy";
}
