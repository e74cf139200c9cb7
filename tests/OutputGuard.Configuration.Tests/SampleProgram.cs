using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutputGuard.Configuration.Schema;

namespace OutputGuard.Configuration.Tests;

/// <summary>Runs the pipeline over <see cref="SampleOptions"/> with a file, an environment and flags of the test's own.</summary>
public sealed class SampleProgram : IDisposable
{
    public static readonly ProgramDefinition Definition = new()
    {
        Name = "sample",
        Summary = "A sample program.",
        Schema = SettingsSchema.For<SampleOptions>().WithItems<SampleToken>("tokens"),
        ConfigAliases = ["-conf"],
        Version = "1.2.3",
        Commit = "abc123",
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("og-config-").FullName;

    public Dictionary<string, string?> Environment { get; } = [];

    public string Output { get; private set; } = string.Empty;

    /// <summary>Writes the YAML file and returns its path.</summary>
    public string File(string yaml)
    {
        var path = Path.Combine(_dir, "sample.yaml");
        System.IO.File.WriteAllText(path, yaml);
        return path;
    }

    public LoadedConfiguration<SampleOptions> Load(params string[] args)
    {
        using var output = new StringWriter();
        var loaded = ConfigurationPipeline.Load<SampleOptions>(
            Definition, args, Environment, (o, c) => o.Bind(c), new Validator(), output);
        Output = output.ToString();
        return loaded;
    }

    public SampleOptions Options(params string[] args)
    {
        var loaded = Load(args);
        return loaded.Options ?? throw new InvalidOperationException(string.Join("; ", loaded.Problems));
    }

    /// <summary>The one problem of a configuration that must fail, as printed.</summary>
    public string Problem(params string[] args)
    {
        var loaded = Load(args);
        Assert.Null(loaded.Options);
        return Assert.Single(loaded.Problems).ToString();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Refuses an internal range that does not end in /8, and a token count above 9, naming the key.</summary>
    private sealed class Validator : IValidateOptions<SampleOptions>
    {
        public ValidateOptionsResult Validate(string? name, SampleOptions options)
        {
            var errors = new List<string>();
            for (var i = 0; i < options.InternalRanges.Count; i++)
            {
                if (!options.InternalRanges[i].EndsWith("/8", StringComparison.Ordinal))
                {
                    errors.Add($"internal_ranges[{i}]: '{options.InternalRanges[i]}' is not a /8");
                }
            }

            for (var i = 0; i < options.Tokens.Count; i++)
            {
                if (options.Tokens[i].Count > 9)
                {
                    errors.Add($"tokens[{i}].count: {options.Tokens[i].Count} is more than 9");
                }
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
