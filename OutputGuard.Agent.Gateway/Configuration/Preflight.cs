using System.Globalization;
using System.Net;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Configuration.Startup;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>
/// Every check of a start, run before anything is changed: CAP_NET_ADMIN, the namespace, the table's lock (one
/// gateway per namespace), nf_tables, IPv4 forwarding, the metrics port, the saved state. Each problem is one
/// sentence naming the key and the fix.
/// </summary>
public static class Preflight
{
    private const int CapNetAdmin = ProcessCapabilities.NetAdmin;

    /// <summary>Runs every check; the result holds the lock when it was free.</summary>
    public static PreflightResult Run(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new PreflightResult();
        if (!OpenKernel(options.Netns, result) || options.Cleanup)
        {
            return result;
        }

        if (NamespaceIdentity.Sysctl(options.Netns, "net/ipv4/ip_forward") != "1")
        {
            var where = options.Netns is null ? string.Empty : $"ip netns exec {options.Netns} ";
            result.Problems.Add($"net.ipv4.ip_forward is off{(options.Netns is null ? string.Empty : $" in netns {options.Netns}")}: the gateway cannot forward; run '{where}sysctl -w net.ipv4.ip_forward=1' and persist it in /etc/sysctl.d/");
        }

        try
        {
            ListenerCheck.EnsureFree("metrics_address", IPEndPoint.Parse(options.MetricsAddress));
        }
        catch (StartupException e)
        {
            result.Problems.Add(e.Message);
        }

        if (options.Token is null && options.TokenFile is { } tokenFile)
        {
            try
            {
                using var _ = File.OpenRead(tokenFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                result.Problems.Add($"token_file {tokenFile}: cannot be read ({e.Message})");
            }
        }

        return result;
    }

    /// <summary>
    /// The checks without which the kernel cannot be touched at all — CAP_NET_ADMIN, the namespace, the lock, nf_tables —
    /// in that order; true when all passed (<paramref name="result"/> then holds the lock).
    /// </summary>
    public static bool OpenKernel(string? netns, PreflightResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!HasCapability(CapNetAdmin))
        {
            result.Problems.Add("missing capability CAP_NET_ADMIN: run as root, or give the service AmbientCapabilities=CAP_NET_ADMIN (see deploy/systemd/outputguard-gateway.service)");
            return false;
        }

        if (netns is not null && !NamespaceIdentity.Exists(netns))
        {
            result.Problems.Add($"netns {netns}: no such network namespace ({NamespaceIdentity.PathOf(netns)}); create it (ip netns add {netns}) or fix netns");
            return false;
        }

        try
        {
            result.NamespaceId = NamespaceIdentity.Of(netns);
            result.Lock = TableLock.TryAcquire(result.NamespaceId, out var holder);
            if (result.Lock is null)
            {
                var who = holder is { } pid ? string.Create(CultureInfo.InvariantCulture, $"PID {pid}") : "another process";
                result.Problems.Add($"table inet {TableLayout.TableName}: another gateway ({who}) holds {TableLock.PathFor(result.NamespaceId)} for this network namespace; "
                    + "stop it first (systemctl stop outputguard-gateway); nothing was changed");
                return false;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NetlinkException)
        {
            result.Problems.Add($"lock {TableLock.Directory}: {e.Message} (the gateway needs a writable {TableLock.Directory}; systemd: RuntimeDirectory=outputguard)");
            return false;
        }

        try
        {
            using var nft = netns is null ? NftConnection.Open() : NftConnection.OpenIn(netns);
            _ = nft.GetGenerationId();
        }
        catch (NetlinkException ex)
        {
            result.Problems.Add($"nf_tables is not available ({ex.ErrnoName}: {ex.Message}): use a kernel 5.10 or newer built with CONFIG_NF_TABLES, CONFIG_NF_TABLES_INET, CONFIG_NFT_CT, CONFIG_NFT_MASQ and CONFIG_NF_NAT");
            return false;
        }

        result.KernelReachable = true;
        return true;
    }

    /// <summary>Whether the process's effective capabilities include <paramref name="capability"/>.</summary>
    public static bool HasCapability(int capability) => ProcessCapabilities.Has(capability) == true;
}
