namespace OutputGuard.Addressing;

/// <summary>An operator's address or CIDR after <see cref="OperatorAddress.TryParse"/> accepted it.</summary>
/// <param name="Prefix">
/// The normalised prefix: a single address is a /32 or /128; an IPv4-mapped IPv6 address is stored as IPv4.
/// </param>
/// <param name="IsCidr">False for a single address (including one written as /32 or /128).</param>
public readonly record struct ParsedAddress(IpPrefix Prefix, bool IsCidr)
{
    /// <summary>Canonical text: "203.0.113.5" for an address, "203.0.113.0/24" for a CIDR.</summary>
    public override string ToString() => IsCidr ? Prefix.ToString() : Prefix.Address.ToString();
}
