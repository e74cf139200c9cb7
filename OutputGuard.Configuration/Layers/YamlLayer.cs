using OutputGuard.Configuration.Schema;
using OutputGuard.Configuration.Values;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OutputGuard.Configuration.Layers;

/// <summary>
/// Reads the YAML file (<c>--config</c>) against the schema: every key must be a setting (items of a list of
/// objects too), a list must be a YAML sequence and a single value a scalar. A mapping <c>group: { name: value }</c>
/// whose key is no setting but prefixes some (<c>group_name</c>) is read as those settings. Each value keeps its line, so that a
/// message names <c>file PATH:LINE</c>.
/// </summary>
public static class YamlLayer
{
    /// <summary>The largest configuration file read (a configuration is a few kilobytes).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>The file's settings by key; problems are added to <paramref name="problems"/>.</summary>
    public static Dictionary<string, LayerValue> Read(string path, SettingsSchema schema, List<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(problems);
        var result = new Dictionary<string, LayerValue>(StringComparer.OrdinalIgnoreCase);
        var fileOrigin = new ValueOrigin(ValueLayer.File, $"file {path}");
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxFileBytes)
            {
                problems.Add(new ConfigurationProblem("config", fileOrigin, $"the file is {info.Length} bytes; a configuration file holds at most {MaxFileBytes}"));
                return result;
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new ConfigurationProblem("config", fileOrigin, $"cannot be read ({e.Message}); give the path of a readable YAML file"));
            return result;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            problems.Add(new ConfigurationProblem("config", ValueOrigin.File(path, e.Start.Line), $"not valid YAML: {Inner(e)}"));
            return result;
        }

        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
        {
            return result;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            problems.Add(new ConfigurationProblem("config", Origin(path, stream.Documents[0].RootNode), "the file must be a mapping of keys to values (key: value, one per line)"));
            return result;
        }

        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (schema.Find(key) is null && valueNode is YamlMappingNode section && IsSection(schema, key))
            {
                ReadSection(path, key, section, schema, result, problems);
                continue;
            }

            if (schema.Find(key) is not { } setting)
            {
                problems.Add(Unknown(key, Origin(path, keyNode), schema));
                continue;
            }

            if (Read(path, key, setting.Kind, setting.Items, valueNode, problems) is { } value)
            {
                result[setting.Key] = value;
            }
        }

        return result;
    }

    private static LayerValue? Read(string path, string key, SettingKind kind, SettingsSchema? items, YamlNode node, List<ConfigurationProblem> problems)
    {
        var origin = Origin(path, node);
        if (IsNull(node))
        {
            return null;
        }

        switch (kind)
        {
            case SettingKind.List:
                if (node is not YamlSequenceNode list)
                {
                    var shown = (node as YamlScalarNode)?.Value ?? "…";
                    problems.Add(new ConfigurationProblem(key, origin, $"a list is expected, not a single value: write `{key}: [{shown}]` or one `- {shown}` line per item"));
                    return null;
                }

                var values = new List<LayerValue>();
                for (var i = 0; i < list.Children.Count; i++)
                {
                    if (list.Children[i] is YamlScalarNode { Value: { } item } && !IsNull(list.Children[i]))
                    {
                        values.Add(LayerValue.Scalar(item, Origin(path, list.Children[i])));
                    }
                    else
                    {
                        problems.Add(new ConfigurationProblem(FormattableString.Invariant($"{key}[{i}]"), Origin(path, list.Children[i]), "each item must be a single value"));
                    }
                }

                return LayerValue.List(values, origin);

            case SettingKind.ObjectList:
                if (node is not YamlSequenceNode records)
                {
                    problems.Add(new ConfigurationProblem(key, origin, $"a list of objects is expected: write one `- {{ … }}` line per item under `{key}:`"));
                    return null;
                }

                var read = new List<LayerValue>();
                for (var i = 0; i < records.Children.Count; i++)
                {
                    var itemKey = FormattableString.Invariant($"{key}[{i}]");
                    if (records.Children[i] is not YamlMappingNode mapping)
                    {
                        problems.Add(new ConfigurationProblem(itemKey, Origin(path, records.Children[i]), "each item must be an object ({ name: …, … })"));
                        continue;
                    }

                    var fields = new Dictionary<string, LayerValue>(StringComparer.OrdinalIgnoreCase);
                    foreach (var (fieldKey, fieldValue) in mapping.Children)
                    {
                        var name = (fieldKey as YamlScalarNode)?.Value ?? string.Empty;
                        if (items?.Find(name) is not { } field)
                        {
                            problems.Add(Unknown($"{itemKey}.{name}", Origin(path, fieldKey), items, name));
                            continue;
                        }

                        if (Read(path, $"{itemKey}.{field.Key}", field.Kind, null, fieldValue, problems) is { } value)
                        {
                            fields[field.Key] = value;
                        }
                    }

                    read.Add(LayerValue.Record(fields, Origin(path, mapping)));
                }

                return LayerValue.List(read, origin);

            default:
                if (node is not YamlScalarNode { Value: { } scalar })
                {
                    problems.Add(new ConfigurationProblem(key, origin, $"a single value is expected, not a {(node is YamlSequenceNode ? "list" : "mapping")}"));
                    return null;
                }

                return LayerValue.Scalar(scalar, origin);
        }
    }

    /// <summary>Whether <paramref name="key"/> is a section: the settings <c>KEY_*</c> written as the mapping <c>KEY: { … }</c>.</summary>
    private static bool IsSection(SettingsSchema schema, string key) =>
        key.Length > 0 && schema.Settings.Any(s => s.Key.StartsWith(key + "_", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads <c>KEY: { name: value }</c> as the setting <c>KEY_name</c> of each child.</summary>
    private static void ReadSection(
        string path, string key, YamlMappingNode section, SettingsSchema schema, Dictionary<string, LayerValue> result, List<ConfigurationProblem> problems)
    {
        foreach (var (childKey, childValue) in section.Children)
        {
            var name = (childKey as YamlScalarNode)?.Value ?? string.Empty;
            if (schema.Find($"{key}_{name}") is not { Kind: not SettingKind.ObjectList } setting)
            {
                var members = schema.Settings.Where(s => s.Key.StartsWith(key + "_", StringComparison.OrdinalIgnoreCase)).Select(s => s.Key[(key.Length + 1)..]).ToList();
                var nearest = Spelling.Nearest(name, members);
                var hint = nearest is not null ? $"did you mean '{nearest}'?" : $"the keys of {key} are {string.Join(", ", members)}";
                problems.Add(new ConfigurationProblem($"{key}.{name}", Origin(path, childKey), $"unknown key; {hint} (remove it or fix its name)"));
                continue;
            }

            if (Read(path, setting.Key, setting.Kind, null, childValue, problems) is { } value)
            {
                result[setting.Key] = value;
            }
        }
    }

    private static ConfigurationProblem Unknown(string key, ValueOrigin origin, SettingsSchema? schema, string? name = null)
    {
        var known = schema?.Settings.Select(s => s.Key).ToList() ?? [];
        var nearest = schema?.Nearest(name ?? key);
        var hint = nearest is not null ? $"did you mean '{nearest}'?" : $"the keys are {string.Join(", ", known)}";
        return new ConfigurationProblem(key, origin, $"unknown key; {hint} (remove it or fix its name)");
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static ValueOrigin Origin(string path, YamlNode node) => ValueOrigin.File(path, node.Start.Line);

    private static string Inner(YamlException e) => e.InnerException is YamlException inner ? inner.Message : e.Message;
}
