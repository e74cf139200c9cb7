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
        resolver_name_servers: ["127.0.0.1:{Dns.Port}"]
        resolver_grace_period_s: {GraceSeconds}
        """;

    public override async Task InitializeAsync()
    {
        Dns = await Dnsmasq.StartAsync(DomainName, Lab.Allowed);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Dns is not null)
        {
            await Dns.DisposeAsync();
        }
    }
}
