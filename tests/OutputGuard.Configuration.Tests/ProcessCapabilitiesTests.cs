using OutputGuard.Configuration.Startup;

namespace OutputGuard.Configuration.Tests;

/// <summary>The effective capabilities read from a /proc/PID/status file: the one parser both agents use.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class ProcessCapabilitiesTests : IDisposable
{
    private readonly string _status = Path.Combine(Path.GetTempPath(), $"og-status-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_status);

    [Fact]
    public void Net_admin_is_found_in_the_effective_set_and_not_in_the_others()
    {
        File.WriteAllText(_status, "Name:\ttest\nCapInh:\t0000000000001000\nCapPrm:\t0000000000001000\nCapEff:\t0000000000003000\n");

        Assert.Equal(0x3000UL, ProcessCapabilities.Effective(_status));
        Assert.True(ProcessCapabilities.Has(ProcessCapabilities.NetAdmin, _status));
        Assert.False(ProcessCapabilities.Has(11, _status));
    }

    [Fact]
    public void An_empty_effective_set_lacks_net_admin()
    {
        File.WriteAllText(_status, "CapPrm:\t000001ffffffffff\nCapEff:\t0000000000000000\n");

        Assert.False(ProcessCapabilities.Has(ProcessCapabilities.NetAdmin, _status));
    }

    [Fact]
    public void A_missing_file_or_line_leaves_the_answer_to_the_kernel()
    {
        Assert.Null(ProcessCapabilities.Has(ProcessCapabilities.NetAdmin, _status));
        File.WriteAllText(_status, "Name:\ttest\n");
        Assert.Null(ProcessCapabilities.Effective(_status));
    }
}
