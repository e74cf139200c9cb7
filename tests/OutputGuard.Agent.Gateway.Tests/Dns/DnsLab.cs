using System.Globalization;
using System.Net;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Testing;

namespace OutputGuard.Agent.Gateway.Tests.Dns;

/// <summary>
/// A <see cref="GatewayLab"/> whose agent runs the DNS proxy on the client side (10.10.0.1:53, [fd10::1]:53) with the
/// internet namespace's dnsmasq (<see cref="DnsUpstreams.PublicResolver"/>) as its upstream; the control plane resolves
/// exact names at the root namespace's dnsmasq, which reads the same hosts file.
/// </summary>
public abstract class DnsLab : GatewayLab
{
    /// <summary>The proxy's IPv4 address, as clients reach it.</summary>
    public static readonly IPEndPoint Proxy4 = new(IPAddress.Parse("10.10.0.1"), 53);

    /// <summary>The proxy's IPv6 address.</summary>
    public static readonly IPEndPoint Proxy6 = new(IPAddress.Parse("fd10::1"), 53);

    /// <summary>Both dnsmasq processes.</summary>
    protected DnsUpstreams Upstreams { get; private set; } = null!;

    /// <summary>The domains dnsmasq answers for.</summary>
    protected virtual string[] Domains => ["lab.test", "wild.test", "evil.test"];

    /// <summary>The records at start.</summary>
    protected abstract IEnumerable<(IPAddress Address, string Name)> Records { get; }

    /// <summary>The proxy's dns_grace_s.</summary>
    protected virtual int GraceSeconds => 2;

    /// <summary>Whether the clients' DNS to public resolvers is redirected to the proxy.</summary>
    protected virtual bool Redirect => false;

    /// <summary>Extra control-plane YAML.</summary>
    protected virtual string ResolverYaml => "resolver_grace_period_s: 0";

    protected override string[] AgentFlags =>
    [
        "--dns-listen", Proxy4.ToString(), "--dns-listen", Proxy6.ToString(), "--dns-upstream", DnsUpstreams.PublicResolver.ToString(),
        "--dns-grace-s", GraceSeconds.ToString(CultureInfo.InvariantCulture), .. (Redirect ? new[] { "--dns-redirect" } : []),
    ];

    protected override string ControlPlaneYaml => $"""
        resolver_name_servers: ["127.0.0.1:{Upstreams.RootPort}"]
        {ResolverYaml}
        """;

    public override async Task InitializeAsync()
    {
        Upstreams = await DnsUpstreams.StartAsync(Lab.Internet, Domains, Records);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Upstreams is not null)
        {
            await Upstreams.DisposeAsync();
        }
    }

    /// <summary>Waits until the agent has received <paramref name="count"/> domain rules from the control plane.</summary>
    protected Task RulesReceivedAsync(int count) =>
        Eventually.True(() => Agent.Output.Contains($"Received {count} domain rules", StringComparison.Ordinal), TimeSpan.FromSeconds(30), $"the agent received {count} domain rules");

    /// <summary>Whether one of the gateway's learned sets (all ports, ports or port ranges, either family) holds <paramref name="address"/> (nft -j).</summary>
    protected bool Learned(IPAddress address) => Learned(Lab.Gateway, address);

    /// <summary>Whether the learned sets of the gateway in namespace <paramref name="gateway"/> hold <paramref name="address"/>.</summary>
    protected static bool Learned(string gateway, IPAddress address) => LearnedSets(gateway).Contains($"\"{address}\"", StringComparison.Ordinal);

    /// <summary>The learned sets as nft -j prints them, read once.</summary>
    protected string LearnedSets() => LearnedSets(Lab.Gateway);

    private static string LearnedSets(string gateway) =>
        string.Concat(new[] { "learned4", "learnedports4", "learnedranges4", "learned6", "learnedports6", "learnedranges6" }.Select(set => Tool.In(gateway, "nft", "-j", "list", "set", "inet", "outputguard", set)));

    /// <summary>Adds an address to the internet namespace's loopback.</summary>
    protected void AddInternetAddress(IPAddress address)
    {
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            Tool.In(Lab.Internet, "ip", "addr", "add", $"{address}/32", "dev", "lo");
        }
        else
        {
            Tool.In(Lab.Internet, "ip", "addr", "add", $"{address}/128", "dev", "lo", "nodad");
        }
    }
}
