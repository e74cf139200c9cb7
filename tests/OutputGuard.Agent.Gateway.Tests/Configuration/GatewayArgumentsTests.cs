using Microsoft.Extensions.Configuration;
using OutputGuard.Agent.Gateway.Configuration;

namespace OutputGuard.Agent.Gateway.Tests.Configuration;

public sealed class GatewayArgumentsTests
{
    private static GatewayOptions Bind(params string[] args)
    {
        var options = new GatewayOptions();
        new ConfigurationBuilder().AddInMemoryCollection(GatewayArguments.Parse(args)).Build()
            .GetSection(GatewayOptions.Section).Bind(options);
        return options;
    }

    [Fact]
    public void Legacy_flag_names_the_control_plane()
    {
        var options = Bind("-iptables-wss-server", "ws://cp.example:8081", "--token", "t");

        Assert.Equal("ws://cp.example:8081", options.ControlPlane);
        Assert.Equal(new Uri("http://cp.example:8081/"), GatewayOptionsValidator.ControlPlaneUri(options.ControlPlane));
    }

    [Fact]
    public void Bare_boolean_flags_are_true()
    {
        var options = Bind("--observe", "--control-plane=http://a:1", "--cleanup");

        Assert.True(options.Observe);
        Assert.True(options.Cleanup);
        Assert.Equal("http://a:1", options.ControlPlane);
    }

    [Fact]
    public void Defaults_match_the_legacy_metrics_port()
    {
        Assert.Equal("0.0.0.0:9900", Bind().MetricsAddress);
    }

    [Fact]
    public void Unknown_flag_is_refused_by_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => GatewayArguments.Parse(["--contol-plane", "x"]));

        Assert.Contains("--contol-plane", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_token_and_bad_ranges_are_named()
    {
        var result = new GatewayOptionsValidator().Validate(null, Bind("--control-plane", "http://a:1", "--client-ranges", "10.0.0.0/8,nonsense"));

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("--token", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("--client-ranges", StringComparison.Ordinal) && f.Contains("nonsense", StringComparison.Ordinal));
    }

    [Fact]
    public void Metrics_address_needs_a_port()
    {
        var result = new GatewayOptionsValidator().Validate(null, Bind("--control-plane", "http://a:1", "--token", "t", "--metrics-address", "0.0.0.0"));

        Assert.Contains(result.Failures!, f => f.StartsWith("--metrics-address", StringComparison.Ordinal));
    }
}
