namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>A <see cref="GatewayLab"/> whose control plane resolves <see cref="DomainName"/> at a dnsmasq of its own.</summary>
public abstract class DomainGatewayLab : GatewayLab
{
    /// <summary>The dnsmasq; it answers <see cref="DomainName"/> with <see cref="Lab.Allowed"/> at first.</summary>
    protected Dnsmasq Dns { get; private set; } = null!;

    /// <summary>The name the dnsmasq answers.</summary>
    protected abstract string DomainName { get; }

    /// <summary>The control plane's resolver_grace_period_s.</summary>
    protected virtual int GraceSeconds => 0;

    protected override string ControlPlaneYaml => $"""
        resolver_name_servers: ["{Dns.NameServer}"]
        resolver_grace_period_s: {GraceSeconds}
        """;

    private string Label => DomainName.Split('.', 2)[0];

    public override async Task InitializeAsync()
    {
        Dns = await Dnsmasq.StartAsync([(Label, Lab.Allowed.ToString())], domain: DomainName.Split('.', 2)[1]);
        await base.InitializeAsync();
    }

    /// <summary>Points <see cref="DomainName"/> at <paramref name="address"/> alone and makes the dnsmasq reread its records.</summary>
    protected Task ChangeDomainAsync(System.Net.IPAddress address) => Dns.SetRecordsAsync([(Label, address.ToString())]);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Dns is not null)
        {
            await Dns.DisposeAsync();
        }
    }
}
