using System.Globalization;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>Checks at start that the host can enforce: CAP_NET_ADMIN, IPv4 forwarding, nf_tables.</summary>
public static class Preflight
{
    private const int CapNetAdmin = 12;

    /// <summary>The problems found, each naming its fix; empty when the host is ready.</summary>
    public static List<string> Check(string? netns, bool needForwarding)
    {
        var problems = new List<string>();
        if (!HasCapability(CapNetAdmin))
        {
            problems.Add("missing capability CAP_NET_ADMIN: run as root, or give the service AmbientCapabilities=CAP_NET_ADMIN (see deploy/systemd/outputguard-gateway.service)");
            return problems;
        }

        if (needForwarding && netns is null && ReadSysctl("/proc/sys/net/ipv4/ip_forward") != "1")
        {
            problems.Add("net.ipv4.ip_forward is off: the gateway cannot forward; run 'sysctl -w net.ipv4.ip_forward=1' and persist it in /etc/sysctl.d/");
        }

        try
        {
            using var nft = netns is null ? NftConnection.Open() : NftConnection.OpenIn(netns);
            _ = nft.GetGenerationId();
        }
        catch (NetlinkException ex)
        {
            problems.Add($"nf_tables is not available ({ex.ErrnoName}: {ex.Message}): use a kernel 5.10 or newer built with CONFIG_NF_TABLES, CONFIG_NF_TABLES_INET, CONFIG_NFT_CT, CONFIG_NFT_MASQ and CONFIG_NF_NAT");
        }

        return problems;
    }

    /// <summary>Whether the process's effective capabilities include <paramref name="capability"/>.</summary>
    public static bool HasCapability(int capability)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var caps))
            {
                return (caps & (1UL << capability)) != 0;
            }
        }

        return false;
    }

    private static string? ReadSysctl(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
