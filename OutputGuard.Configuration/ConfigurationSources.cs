using OutputGuard.Configuration.Schema;
using OutputGuard.Configuration.Values;

namespace OutputGuard.Configuration;

/// <summary>The merged values of every layer with their origins, so that a message or a path can say where a value came from.</summary>
public sealed class ConfigurationSources
{
    private readonly IReadOnlyDictionary<string, LayerValue> _values;

    internal ConfigurationSources(string? configFile, IReadOnlyDictionary<string, LayerValue> values)
    {
        ConfigFile = configFile;
        _values = values;
    }

    /// <summary>The configuration file given, or null.</summary>
    public string? ConfigFile { get; }

    /// <summary>Where the value of <paramref name="key"/> came from (<c>tokens[0].role</c>, <c>internal_ranges[2]</c>).</summary>
    public ValueOrigin OriginOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (top, rest) = Split(key);
        if (!_values.TryGetValue(top, out var value))
        {
            return ValueOrigin.Default;
        }

        while (rest.Length > 0)
        {
            LayerValue? next = null;
            if (rest[0] == '[' && rest.IndexOf(']', StringComparison.Ordinal) is > 1 and var close
                && int.TryParse(rest.AsSpan(1, close - 1), System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                next = value.Items is { } items && index >= 0 && index < items.Count ? items[index] : null;
                rest = rest[(close + 1)..];
            }
            else if (rest[0] == '.')
            {
                var (field, after) = Split(rest[1..]);
                next = value.Fields?.GetValueOrDefault(field);
                rest = after;
            }

            if (next is null)
            {
                break;
            }

            value = next;
        }

        return value.Origin;
    }

    /// <summary>The merged text of a scalar setting, whether or not the whole configuration is valid (null when unset).</summary>
    public string? RawText(string key) => _values.TryGetValue(key, out var value) ? value.Text : null;

    /// <summary>Whether the setting was given by any layer.</summary>
    public bool IsSet(string key) => _values.ContainsKey(key);

    internal static IEnumerable<KeyValuePair<string, string?>> Flatten(SettingsSchema schema, IReadOnlyDictionary<string, LayerValue> values)
    {
        foreach (var setting in schema.Settings)
        {
            if (!values.TryGetValue(setting.Key, out var value))
            {
                continue;
            }

            foreach (var pair in Flatten(setting.BindingName, setting, value))
            {
                yield return pair;
            }
        }
    }

    private static IEnumerable<KeyValuePair<string, string?>> Flatten(string path, SettingDefinition setting, LayerValue value)
    {
        if (value.Text is { } text)
        {
            yield return new(path, text);
            yield break;
        }

        var items = value.Items ?? [];
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = FormattableString.Invariant($"{path}:{i}");
            if (items[i].Text is { } itemText)
            {
                yield return new(itemPath, itemText);
                continue;
            }

            foreach (var (name, field) in items[i].Fields ?? new Dictionary<string, LayerValue>())
            {
                if (setting.Items?.Find(name) is { } fieldSetting)
                {
                    foreach (var pair in Flatten($"{itemPath}:{fieldSetting.BindingName}", fieldSetting, field))
                    {
                        yield return pair;
                    }
                }
            }
        }
    }

    private static (string Head, string Tail) Split(string key)
    {
        var end = key.IndexOfAny(['[', '.', '/', ' ']);
        return end < 0 ? (key, string.Empty) : (key[..end], key[end] is '/' or ' ' ? string.Empty : key[end..]);
    }
}
