namespace OutputGuard.Netlink.Routing;

/// <summary>A network interface as RTM_GETLINK reports it.</summary>
/// <param name="Index">The interface index (ifi_index).</param>
/// <param name="Name">IFLA_IFNAME.</param>
/// <param name="Flags">ifi_flags (IFF_UP = 1, IFF_LOWER_UP = 0x10000 …).</param>
/// <param name="Mtu">IFLA_MTU.</param>
/// <param name="HardwareAddress">IFLA_ADDRESS (empty when the link has none).</param>
/// <param name="Kind">IFLA_INFO_KIND ("veth", "bridge"), or null.</param>
/// <param name="ParentIndex">IFLA_LINK (a veth's peer index; may name a link in another namespace), or 0.</param>
/// <param name="MasterIndex">IFLA_MASTER, or 0.</param>
/// <param name="OperState">IFLA_OPERSTATE (6 = up, 2 = down, 7 = lower layer down).</param>
public sealed record Link(
    int Index, string Name, uint Flags, uint Mtu, byte[] HardwareAddress, string? Kind, int ParentIndex, int MasterIndex, byte OperState)
{
    /// <summary>Whether IFF_UP is set (administratively up).</summary>
    public bool IsUp => (Flags & RtnlConstants.IFF_UP) != 0;
}
