using System.Globalization;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>
/// A start that fails leaves the host closed: when there is no table <c>inet outputguard</c> yet, a minimal one is
/// installed whose forward chain has policy drop, so a host that boots with <c>ip_forward</c> on forwards nothing
/// while systemd retries. An existing table is never changed by a failed start (it is the last good gateway's, or
/// this fail-closed one), and nothing is touched while another gateway holds the lock.
/// </summary>
public static class FailClosed
{
    /// <summary>After a configuration error: the kernel checks of <see cref="Preflight.OpenKernel"/>, then <see cref="Install"/>.</summary>
    public static void AfterConfigurationError(string? netns, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (netns is not null && (netns.Length == 0 || netns.Contains('/', StringComparison.Ordinal) || netns is "." or ".."))
        {
            return;
        }

        using var check = new PreflightResult();
        if (!Preflight.OpenKernel(netns, check))
        {
            output.WriteLine($"{GatewayConfiguration.Program.Name}: no fail-closed table: {check.Problems[0]}");
            return;
        }

        Install(netns, "configuration error", output);
    }

    /// <summary>Installs the minimal drop table unless a table exists; the caller holds the table's lock.</summary>
    public static void Install(string? netns, string reason, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            using var nft = netns is null ? NftConnection.Open() : NftConnection.OpenIn(netns);
            if (nft.ListTables(NftFamily.Inet).Any(t => t.Name == TableLayout.TableName))
            {
                output.WriteLine($"{GatewayConfiguration.Program.Name}: the table inet {TableLayout.TableName} stays as it is");
                return;
            }

            var owner = string.Create(CultureInfo.InvariantCulture, $"fail-closed by outputguard-gateway pid {Environment.ProcessId}: {reason}");
            using var batch = nft.BeginBatch();
            batch.AddTable(TableLayout.Table with { UserData = NftUserData.Comment(owner.Length > 200 ? owner[..200] : owner) });
            batch.AddChain(TableLayout.Forward);
            batch.Commit();
            output.WriteLine($"{GatewayConfiguration.Program.Name}: installed table inet {TableLayout.TableName} with forward policy drop: nothing is forwarded until a gateway starts");
        }
        catch (Exception e) when (e is Netlink.Sockets.NetlinkException or IOException)
        {
            output.WriteLine($"{GatewayConfiguration.Program.Name}: could not install the fail-closed table: {e.Message}");
        }
    }
}
