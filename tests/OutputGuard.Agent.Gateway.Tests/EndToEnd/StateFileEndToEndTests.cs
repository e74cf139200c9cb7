using System.Text;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>A state file that fails its checks is refused; the gateway keeps the kernel's table rather than trust it.</summary>
public sealed class StateFileEndToEndTests : GatewayLab
{
    public static TheoryData<string> Damages => new() { "torn", "truncated", "bit-flipped", "from another store", "older than the kernel" };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task Damaged_state_file_is_refused_and_the_kernel_table_is_kept(string damage)
    {
        var allowed = Lab.Serve(Lab.Allowed, 80);
        var unlisted = Lab.Serve(Lab.Unlisted, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        await Eventually.True(() => File.Exists(StateFile) && File.ReadAllText(StateFile).Contains(Lab.Allowed.ToString(), StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the state file written");
        await ControlPlane.KillAsync();
        Assert.Equal(0, await Agent.StopAsync());

        Damage(damage);
        await RestartAgentAsync();

        Assert.Contains("The state file was not used", Agent.Output, StringComparison.Ordinal);
        Assert.Contains("is refused", Agent.Output, StringComparison.Ordinal);
        Assert.True(TableOracle.IsAsApplied(Lab.Gateway, Lab.Allowed.ToString()), "the kernel table is kept as it was");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, unlisted.Endpoint));
        Assert.Equal(10, await HttpProbe.GetAsync(Lab.Client, allowed.Endpoint, 10));
        Assert.Empty(unlisted.Clients);
    }

    [Fact]
    public async Task Damaged_state_file_after_a_reboot_leaves_a_table_that_drops_everything()
    {
        var allowed = Lab.Serve(Lab.Allowed, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        await Eventually.True(() => File.Exists(StateFile), TimeSpan.FromSeconds(10), "the state file written");
        await ControlPlane.KillAsync();
        Assert.Equal(0, await Agent.StopAsync());
        Lab.Dispose_Table();

        Damage("bit-flipped");
        await RestartAgentAsync();

        Assert.Contains("is refused", Agent.Output, StringComparison.Ordinal);
        Assert.True(TableOracle.IsAsApplied(Lab.Gateway), "a new table with nothing allowed");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, allowed.Endpoint));
        Assert.Empty(allowed.Clients);
    }

    private void Damage(string damage)
    {
        var bytes = File.ReadAllBytes(StateFile);
        var text = Encoding.ASCII.GetString(bytes);
        var line = text.IndexOf(Lab.Allowed.ToString(), StringComparison.Ordinal);
        switch (damage)
        {
            case "torn":
                File.WriteAllBytes(StateFile, bytes[..(line + 5)]);
                break;
            case "truncated":
                File.WriteAllBytes(StateFile, bytes[..line]);
                break;
            case "bit-flipped":
                // 203.0.113.10 becomes 203.0.113.11, the unlisted address.
                bytes[line + Lab.Allowed.ToString().Length - 1] ^= 0x01;
                File.WriteAllBytes(StateFile, bytes);
                break;
            case "from another store":
                new StateFile(StateFile).Write(AllowList.Of(99, [Destination.Any(IpPrefix.Host(Lab.Unlisted))], "0123456789abcdef0123456789abcdef"));
                break;
            case "older than the kernel":
                var current = new StateFile(StateFile).Read()!;
                new StateFile(StateFile).Write(AllowList.Of(current.Revision - 1, [Destination.Any(IpPrefix.Host(Lab.Unlisted))], current.StoreId));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, null);
        }
    }
}
