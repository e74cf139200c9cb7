using OutputGuard.Configuration.Schema;
using OutputGuard.Configuration.Values;

namespace OutputGuard.Configuration.Layers;

/// <summary>
/// Reads <c>OUTPUTGUARD_&lt;KEY&gt;</c> variables: a list is comma-separated (an empty variable is an empty list,
/// which replaces the file's), an empty scalar counts as not set. Every other <c>OUTPUTGUARD_*</c> variable is
/// refused, so that a typo never goes unnoticed; <c>OUTPUTGUARD_TEST_*</c> is left to the test suite.
/// </summary>
public static class EnvironmentLayer
{
    /// <summary>Variables with this prefix belong to the test suite and are ignored.</summary>
    public const string ReservedPrefix = "OUTPUTGUARD_TEST_";

    /// <summary>The environment's settings by key; problems are added to <paramref name="problems"/>.</summary>
    public static Dictionary<string, LayerValue> Read(
        IEnumerable<KeyValuePair<string, string?>> environment, SettingsSchema schema, string program, List<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(problems);
        var byVariable = schema.Settings.Where(s => s.EnvironmentVariable is not null).ToDictionary(s => s.EnvironmentVariable!, StringComparer.Ordinal);
        var result = new Dictionary<string, LayerValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(SettingsSchema.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) || name.StartsWith(ReservedPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var origin = ValueOrigin.Variable(name);
            if (!byVariable.TryGetValue(name, out var setting))
            {
                problems.Add(Unknown(name, origin, schema, program));
                continue;
            }

            var text = value ?? string.Empty;
            if (setting.Kind == SettingKind.List)
            {
                result[setting.Key] = LayerValue.List(
                    [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => LayerValue.Scalar(v, origin))],
                    origin);
            }
            else if (text.Trim().Length > 0)
            {
                result[setting.Key] = LayerValue.Scalar(text.Trim(), origin);
            }
        }

        return result;
    }

    private static ConfigurationProblem Unknown(string name, ValueOrigin origin, SettingsSchema schema, string program)
    {
        var key = name[SettingsSchema.EnvironmentPrefix.Length..].ToLowerInvariant();
        if (schema.Find(key) is { Kind: SettingKind.ObjectList } fileOnly)
        {
            return new ConfigurationProblem(fileOnly.Key, origin, $"{fileOnly.Key} is a list of objects and can only be set in the configuration file (--config); unset {name}");
        }

        var variables = schema.Settings.Select(s => s.EnvironmentVariable).OfType<string>();
        var nearest = Spelling.Nearest(name, variables);
        var hint = nearest is not null ? $"did you mean {nearest}?" : "see --help for the variables it reads";
        return new ConfigurationProblem(name, null, $"not a setting of {program}; {hint} (unset it or fix its name)");
    }
}
