using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutputGuard.Configuration.Layers;
using OutputGuard.Configuration.Schema;
using OutputGuard.Configuration.Values;

namespace OutputGuard.Configuration;

/// <summary>
/// The one way the three programs read their configuration: the YAML file (<c>--config</c>) &lt;
/// <c>OUTPUTGUARD_*</c> environment &lt; flags, each setting taken whole from the highest layer that gives it (so a
/// list replaces a lower layer's list), every value checked against its kind, then bound once through
/// Microsoft.Extensions.Options and validated with <c>ValidateOnStart</c> before the program starts anything.
/// </summary>
public static class ConfigurationPipeline
{
    /// <summary>The environment variable that names the configuration file when <c>--config</c> does not.</summary>
    public const string ConfigVariable = "OUTPUTGUARD_CONFIG";

    /// <summary>
    /// Reads, merges, checks, binds (through <paramref name="bind"/>, so that a NativeAOT program binds with the
    /// configuration binder's source generator) and validates. Help, version and completion requests are written
    /// to <paramref name="output"/> and answered.
    /// </summary>
    public static LoadedConfiguration<T> Load<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(
        ProgramDefinition program,
        IReadOnlyList<string> args,
        IEnumerable<KeyValuePair<string, string?>> environment,
        Action<OptionsBuilder<T>, IConfiguration> bind,
        IValidateOptions<T> validator,
        TextWriter output)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(output);
        var problems = new List<ConfigurationProblem>();
        var flags = new CommandLineLayer(program).Parse(args, problems);
        if (flags.Action is { } request)
        {
            var code = request.Invoke(new InvocationConfiguration { Output = output, Error = output });
            return new LoadedConfiguration<T>(null, [], code, new ConfigurationSources(null, new Dictionary<string, LayerValue>()));
        }

        var variables = environment.Where(e => e.Key != ConfigVariable).ToList();
        var configFile = flags.ConfigFile ?? NonEmpty(environment.FirstOrDefault(e => e.Key == ConfigVariable).Value);
        var file = configFile is null ? [] : YamlLayer.Read(configFile, program.Schema, problems);
        var fromEnvironment = EnvironmentLayer.Read(variables, program.Schema, program.Name, problems);

        var merged = new Dictionary<string, LayerValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in program.Schema.Settings)
        {
            var value = flags.Values.GetValueOrDefault(setting.Key) ?? fromEnvironment.GetValueOrDefault(setting.Key) ?? file.GetValueOrDefault(setting.Key);
            if (value is not null && ValueChecks.Check(setting.Key, setting, value, problems) is { } checkedValue)
            {
                merged[setting.Key] = checkedValue;
            }
        }

        var sources = new ConfigurationSources(configFile, merged);
        if (problems.Count > 0)
        {
            return new LoadedConfiguration<T>(null, problems, null, sources);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(ConfigurationSources.Flatten(program.Schema, merged)).Build();
        var services = new ServiceCollection();
        var builder = services.AddOptions<T>();
        bind(builder, configuration);
        builder.ValidateOnStart();
        services.AddSingleton(validator);
        using var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return new LoadedConfiguration<T>(provider.GetRequiredService<IOptions<T>>().Value, [], null, sources);
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures.Select(f => ConfigurationProblem.FromFailure(f, program.Schema, sources)));
        }
        catch (InvalidOperationException e)
        {
            problems.Add(new ConfigurationProblem(null, null, e.Message));
        }

        return new LoadedConfiguration<T>(null, problems, null, sources);
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
