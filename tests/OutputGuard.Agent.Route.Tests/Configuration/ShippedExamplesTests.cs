using YamlDotNet.RepresentationModel;

namespace OutputGuard.Agent.Route.Tests.Configuration;

/// <summary>
/// The DaemonSet and the systemd unit in deploy/ start the agent with a configuration file it accepts, and grant no
/// more privilege than NET_ADMIN.
/// </summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class ShippedExamplesTests : IDisposable
{
    private static readonly string Root = RepositoryRoot.Find();

    private readonly string _dir = Directory.CreateTempSubdirectory("og-route-shipped-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DaemonSet_reads_its_ConfigMap_file_and_uses_host_network_and_NET_ADMIN_only()
    {
        var text = File.ReadAllText(Path.Combine(Root, "deploy", "kubernetes", "route-agent-daemonset.yaml"));
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var configMap = (YamlMappingNode)stream.Documents[0].RootNode;
        var routeYaml = ((YamlScalarNode)((YamlMappingNode)configMap["data"])["route.yaml"]).Value!;
        var container = (YamlMappingNode)((YamlSequenceNode)Node(stream.Documents[1].RootNode, "spec", "template", "spec", "containers"))[0];
        var args = ((YamlSequenceNode)container["args"]).Select(a => ((YamlScalarNode)a).Value!).ToList();
        var mount = (YamlMappingNode)((YamlSequenceNode)container["volumeMounts"])[0];
        var file = Path.Combine(_dir, "route.yaml");
        File.WriteAllText(file, routeYaml);

        var (options, problems) = RouteAgentConfigurationTests.Load(
            [.. args.Select(a => a.Replace("/etc/outputguard/route.yaml", file, StringComparison.Ordinal))], []);

        Assert.True(options is not null, string.Join("; ", problems));
        Assert.Equal(2, options.Gateways.Count);
        Assert.NotEmpty(options.Internal);
        Assert.Equal(9900, options.ProbePort);
        Assert.False(options.CleanupOnStop);
        Assert.Contains(args, a => a.StartsWith("--config=/etc/outputguard/", StringComparison.Ordinal));
        Assert.Equal("/etc/outputguard", ((YamlScalarNode)mount["mountPath"]).Value);
        Assert.Contains("hostNetwork: true", text, StringComparison.Ordinal);
        Assert.Contains("privileged: false", text, StringComparison.Ordinal);
        Assert.Contains("drop: [ALL]", text, StringComparison.Ordinal);
        Assert.Contains("add: [NET_ADMIN]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Systemd_unit_grants_only_CAP_NET_ADMIN_and_starts_the_agent_with_the_shipped_file()
    {
        var unit = File.ReadAllLines(Path.Combine(Root, "deploy", "systemd", "outputguard-route.service"));
        var exec = unit.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var shipped = Path.Combine(Root, "deploy", "systemd", "route.yaml");

        var (options, problems) = RouteAgentConfigurationTests.Load(
            [.. exec[1..].Select(a => a == "/etc/outputguard/route.yaml" ? shipped : a)], []);

        Assert.EndsWith("/outputguard-route", exec[0], StringComparison.Ordinal);
        Assert.Contains("/etc/outputguard/route.yaml", exec);
        Assert.True(options is not null, string.Join("; ", problems));
        Assert.Equal(2, options.Gateways.Count);
        Assert.Contains("AmbientCapabilities=CAP_NET_ADMIN", unit);
        Assert.Contains("CapabilityBoundingSet=CAP_NET_ADMIN", unit);
        Assert.Contains("NoNewPrivileges=yes", unit);
    }

    private static YamlNode Node(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n)[key]);
}
