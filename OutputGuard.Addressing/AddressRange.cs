namespace OutputGuard.Addressing;

/// <summary>An inclusive range of numbered addresses of one family, <c>First &lt;= Last</c>.</summary>
internal readonly record struct AddressRange(UInt128 First, UInt128 Last)
{
    public static AddressRange Of(IpPrefix prefix) => new(prefix.First, prefix.Last);
}
