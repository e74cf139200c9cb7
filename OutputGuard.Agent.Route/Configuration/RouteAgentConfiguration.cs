using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutputGuard.Configuration;
using OutputGuard.Configuration.Schema;

namespace OutputGuard.Agent.Route.Configuration;

/// <summary>The route agent's configuration: the shared pipeline over <see cref="RouteAgentSettings"/>, bound by the source generator (NativeAOT).</summary>
public static class RouteAgentConfiguration
{
    /// <summary>The program as the pipeline sees it.</summary>
    public static ProgramDefinition Program { get; } = new ProgramDefinition
    {
        Name = "outputguard-route",
        Summary = "Routes every public address range to the OutputGuard gateway(s) through netlink, and keeps it so. "
            + "Exit codes: 0 stopped (or dry run / cleanup done), 1 cannot work (gateway not on-link, no CAP_NET_ADMIN, namespace missing), 2 configuration error.",
        Schema = SettingsSchema.For<RouteAgentSettings>(),
        Notes = """
            Examples:
              outputguard-route --gateway 10.0.0.2 --gateway 10.0.0.3 --internal 10.244.0.0/16,10.96.0.0/12
              outputguard-route --config /etc/outputguard/route.yaml --dry-run
              OUTPUTGUARD_GATEWAY=10.0.0.2 outputguard-route --cleanup
            """,
    }.WithVersionOf(typeof(RouteAgentConfiguration).Assembly);

    /// <summary>Reads, binds and validates; help, version and completions are written to <paramref name="output"/>.</summary>
    public static LoadedConfiguration<RouteAgentSettings> Load(
        IReadOnlyList<string> args, IEnumerable<KeyValuePair<string, string?>> environment, TextWriter output) =>
        ConfigurationPipeline.Load<RouteAgentSettings>(Program, args, environment, (options, configuration) => options.Bind(configuration), new Validator(), output);

    private sealed class Validator : IValidateOptions<RouteAgentSettings>
    {
        public ValidateOptionsResult Validate(string? name, RouteAgentSettings options)
        {
            var errors = new List<string>();
            return options.ToOptions(errors) is null ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
        }
    }
}
