using Microsoft.Extensions.Options;
using OutputGuard.Configuration;
using OutputGuard.Configuration.Schema;

namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>The gateway's configuration: the shared pipeline over <see cref="GatewayOptions"/>.</summary>
public static class GatewayConfiguration
{
    /// <summary>The program as the pipeline sees it.</summary>
    public static ProgramDefinition Program { get; } = new ProgramDefinition
    {
        Name = "outputguard-gateway",
        Summary = "Enforces the control plane's allow-list in nf_tables (table inet outputguard), counts bytes per destination "
            + "for Prometheus. Exit codes: 0 stopped, 1 cannot start (capability, namespace, port, lock held by another gateway), "
            + "2 configuration error. A failed start leaves a table whose forward policy is drop; a state file that fails its "
            + "checks is refused and the kernel's table kept.",
        Schema = SettingsSchema.For<GatewayOptions>(),
        Notes = """
            Examples:
              outputguard-gateway --config /etc/outputguard/gateway.yaml
              outputguard-gateway --control-plane http://cp:8081 --token-file /etc/outputguard/gateway.token --observe
              outputguard-gateway --cleanup
            """,
    }.WithVersionOf(typeof(GatewayConfiguration).Assembly);

    /// <summary>Reads, binds once and validates; help, version and completions are written to <paramref name="output"/>.</summary>
    public static LoadedConfiguration<GatewayOptions> Load(
        IReadOnlyList<string> args, IEnumerable<KeyValuePair<string, string?>> environment, TextWriter output) =>
        ConfigurationPipeline.Load<GatewayOptions>(Program, args, environment, (options, configuration) => options.Bind(configuration), new GatewayOptionsValidator(), output);
}
