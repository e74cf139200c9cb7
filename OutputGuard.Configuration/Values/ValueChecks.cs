using System.Globalization;
using OutputGuard.Configuration.Schema;

namespace OutputGuard.Configuration.Values;

/// <summary>
/// Checks every value against its setting's kind before binding, the same way for every layer: a boolean is
/// <c>true</c> or <c>false</c>, a whole number fits its type (decimal or <c>0x</c> hex, normalised to decimal).
/// </summary>
public static class ValueChecks
{
    /// <summary>The value with normalised text, or null after adding a problem.</summary>
    public static LayerValue? Check(string key, SettingDefinition setting, LayerValue value, List<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(problems);
        switch (setting.Kind)
        {
            case SettingKind.List:
                return value.Items is { } items ? value : Wrong(key, value, "a list is expected", problems);
            case SettingKind.ObjectList:
                if (value.Items is not { } records || setting.Items is not { } schema)
                {
                    return Wrong(key, value, "a list of objects is expected", problems);
                }

                var checkedItems = new List<LayerValue>();
                for (var i = 0; i < records.Count; i++)
                {
                    var fields = new Dictionary<string, LayerValue>(StringComparer.OrdinalIgnoreCase);
                    foreach (var (name, field) in records[i].Fields ?? new Dictionary<string, LayerValue>())
                    {
                        if (schema.Find(name) is { } fieldSetting && Check(FormattableString.Invariant($"{key}[{i}].{fieldSetting.Key}"), fieldSetting, field, problems) is { } ok)
                        {
                            fields[fieldSetting.Key] = ok;
                        }
                    }

                    checkedItems.Add(LayerValue.Record(fields, records[i].Origin));
                }

                return LayerValue.List(checkedItems, value.Origin);
            default:
                if (value.Text is not { } text)
                {
                    return Wrong(key, value, "a single value is expected, not a list", problems);
                }

                return setting.Kind switch
                {
                    SettingKind.Boolean => Boolean(text) is { } b ? value.WithText(b ? "true" : "false") : Wrong(key, value, Quote(setting, text, "is not true or false"), problems),
                    SettingKind.WholeNumber => Number(key, setting, value, text, problems),
                    _ => value,
                };
        }
    }

    /// <summary><c>true</c>/<c>false</c> in any case, else null.</summary>
    public static bool? Boolean(string text) =>
        text.Trim().ToUpperInvariant() switch { "TRUE" => true, "FALSE" => false, _ => null };

    private static LayerValue? Number(string key, SettingDefinition setting, LayerValue value, string text, List<ConfigurationProblem> problems)
    {
        var t = text.Trim();
        var negative = t.StartsWith('-');
        var digits = negative ? t[1..] : t;
        var hex = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!long.TryParse(hex ? digits[2..] : digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || (hex && n < 0))
        {
            return Wrong(key, value, Quote(setting, text, "is not a whole number"), problems);
        }

        n = negative ? -n : n;
        if (n < setting.Minimum || n > setting.Maximum)
        {
            return Wrong(key, value, Quote(setting, text, FormattableString.Invariant($"is out of range ({setting.Minimum} to {setting.Maximum})")), problems);
        }

        return value.WithText(n.ToString(CultureInfo.InvariantCulture));
    }

    private static string Quote(SettingDefinition setting, string text, string what) => setting.Secret ? $"the value {what}" : $"'{text}' {what}";

    private static LayerValue? Wrong(string key, LayerValue value, string message, List<ConfigurationProblem> problems)
    {
        problems.Add(new ConfigurationProblem(key, value.Origin, message));
        return null;
    }
}
