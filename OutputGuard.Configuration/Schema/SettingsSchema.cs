using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace OutputGuard.Configuration.Schema;

/// <summary>
/// The settings of an options class, one per public read-write property, so that a property added to the class
/// is a key, a variable and a flag at once. Lists of objects (such as <c>tokens</c>) name their item class with
/// <see cref="WithItems{TItem}"/>. Reflection is limited to the public properties the trimmer keeps for the
/// annotated type, so the schema works in a NativeAOT program.
/// </summary>
public sealed class SettingsSchema
{
    /// <summary>The prefix of every environment variable.</summary>
    public const string EnvironmentPrefix = "OUTPUTGUARD_";

    private readonly Dictionary<string, SettingDefinition> _byKey;

    private SettingsSchema(IReadOnlyList<SettingDefinition> settings)
    {
        Settings = settings;
        _byKey = settings.ToDictionary(s => s.Key, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The settings, in the order of the class's properties.</summary>
    public IReadOnlyList<SettingDefinition> Settings { get; }

    /// <summary>The settings of <typeparamref name="T"/>; defaults are read from a new instance.</summary>
    public static SettingsSchema For<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>()
        where T : new()
    {
        var defaults = new T();
        var settings = new List<SettingDefinition>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is not { IsPublic: true } || property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            settings.Add(Describe(property, property.GetValue(defaults)));
        }

        return new SettingsSchema(settings);
    }

    /// <summary>The same schema with the items of the object list <paramref name="key"/> described by <typeparamref name="TItem"/>.</summary>
    public SettingsSchema WithItems<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TItem>(string key)
        where TItem : new()
    {
        var items = For<TItem>();
        if (items.Settings.Any(s => s.Kind == SettingKind.ObjectList))
        {
            throw new ArgumentException($"the items of '{key}' cannot hold lists of objects themselves", nameof(key));
        }

        var found = Find(key) is { Kind: SettingKind.ObjectList } setting
            ? setting
            : throw new ArgumentException($"'{key}' is not a list of objects of this schema", nameof(key));
        return new SettingsSchema([.. Settings.Select(s => s == found ? s with { Items = items } : s)]);
    }

    /// <summary>The setting with the key <paramref name="key"/> (any case), or null.</summary>
    public SettingDefinition? Find(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>The known key nearest to <paramref name="key"/>, when one is close enough to be a typo.</summary>
    public string? Nearest(string key) => Spelling.Nearest(key, Settings.Select(s => s.Key));

    /// <summary><c>ReportIntervalMs</c> → <c>report_interval_ms</c>.</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var b = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
            {
                b.Append('_');
            }

            b.Append(char.ToLowerInvariant(c));
        }

        return b.ToString();
    }

    private static SettingDefinition Describe(PropertyInfo property, object? defaultValue)
    {
        var attribute = property.GetCustomAttribute<SettingAttribute>();
        var bindingName = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
        var key = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? SnakeCase(property.Name);
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var (kind, min, max) = KindOf(type);
        var fileOnly = kind == SettingKind.ObjectList;
        return new SettingDefinition
        {
            Key = key,
            BindingName = bindingName,
            Kind = kind,
            Minimum = min,
            Maximum = max,
            Flag = fileOnly ? null : attribute?.Flag ?? "--" + key.Replace('_', '-'),
            Aliases = fileOnly ? [] : attribute?.Aliases ?? [],
            EnvironmentVariable = fileOnly ? null : EnvironmentPrefix + key.ToUpperInvariant(),
            Description = attribute?.Description ?? string.Empty,
            ValueName = attribute?.ValueName ?? (kind == SettingKind.WholeNumber ? "N" : "VALUE"),
            Secret = attribute?.Secret ?? false,
            DefaultText = DefaultText(defaultValue),
        };
    }

    private static (SettingKind Kind, long Min, long Max) KindOf(Type type)
    {
        if (type == typeof(bool))
        {
            return (SettingKind.Boolean, 0, 1);
        }

        if (type == typeof(int))
        {
            return (SettingKind.WholeNumber, int.MinValue, int.MaxValue);
        }

        if (type == typeof(long))
        {
            return (SettingKind.WholeNumber, long.MinValue, long.MaxValue);
        }

        if (type == typeof(uint))
        {
            return (SettingKind.WholeNumber, 0, uint.MaxValue);
        }

        if (type == typeof(byte))
        {
            return (SettingKind.WholeNumber, 0, byte.MaxValue);
        }

        if (type == typeof(ushort))
        {
            return (SettingKind.WholeNumber, 0, ushort.MaxValue);
        }

        if (type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() is var g
            && (g == typeof(List<>) || g == typeof(IList<>) || g == typeof(IReadOnlyList<>) || g == typeof(ICollection<>) || g == typeof(IEnumerable<>))))
        {
            var item = type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0];
            return (item == typeof(string) ? SettingKind.List : SettingKind.ObjectList, 0, 0);
        }

        return (SettingKind.Text, 0, 0);
    }

    private static string? DefaultText(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        string { Length: 0 } => null,
        string s => s,
        System.Collections.ICollection { Count: 0 } => null,
        System.Collections.IEnumerable e => string.Join(',', e.Cast<object>()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
