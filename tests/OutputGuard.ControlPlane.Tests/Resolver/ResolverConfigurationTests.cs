using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Tests.Resolver;

/// <summary>The resolver's configuration keys: a bad value stops the start with a message naming the key.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class ResolverConfigurationTests
{
    [Theory]
    [InlineData("resolver_name_servers", "resolver_name_servers[0]")]
    [InlineData("resolver_interval_s", "resolver_interval_s")]
    [InlineData("resolver_ttl_floor_s", "resolver_ttl_floor_s")]
    [InlineData("resolver_grace_period_s", "resolver_grace_period_s")]
    [InlineData("resolver_max_addresses", "resolver_max_addresses")]
    [InlineData("resolver_cname_depth", "resolver_cname_depth")]
    [InlineData("resolver_lease_s", "resolver_lease_s")]
    public void Bad_resolver_setting_is_refused_naming_the_key(string key, string named)
    {
        var options = new ControlPlaneOptions { DataDir = "unused" };
        switch (key)
        {
            case "resolver_name_servers": options.ResolverNameServers = ["not-an-address"]; break;
            case "resolver_interval_s": options.ResolverIntervalSeconds = 0; break;
            case "resolver_ttl_floor_s": options.ResolverTtlFloorSeconds = 600; break;
            case "resolver_grace_period_s": options.ResolverGracePeriodSeconds = -1; break;
            case "resolver_max_addresses": options.ResolverMaxAddresses = 0; break;
            case "resolver_cname_depth": options.ResolverCnameDepth = 0; break;
            default: options.ResolverLeaseSeconds = 1; break;
        }

        var e = Assert.Throws<ConfigurationException>(() => ControlPlaneConfiguration.Validate(options));

        Assert.StartsWith(named + ":", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_servers_are_read_from_the_environment_as_a_list()
    {
        var options = ControlPlaneConfiguration.Load(
            ["--data-dir", "unused"],
            new Dictionary<string, string?> { ["OUTPUTGUARD_RESOLVER_NAME_SERVERS"] = "192.0.2.53, 192.0.2.54:5353,[2001:db8::53]:53" },
            TextWriter.Null).Options!;

        Assert.Equal(["192.0.2.53", "192.0.2.54:5353", "[2001:db8::53]:53"], options.ResolverNameServers);
        Assert.Equal(300, options.ResolverIntervalSeconds);
        Assert.Equal(3600, options.ResolverGracePeriodSeconds);
        Assert.Equal(256, options.ResolverMaxAddresses);
        Assert.Equal(15, options.ResolverLeaseSeconds);
    }
}
