namespace OutputGuard.Configuration.Schema;

/// <summary>One setting of a program: its key, how each layer names it, its shape, and its help text.</summary>
public sealed record SettingDefinition
{
    /// <summary>The key in the YAML file, e.g. <c>internal_ranges</c>; also the name in every message.</summary>
    public required string Key { get; init; }

    /// <summary>The property's name for the configuration binder (its <c>ConfigurationKeyName</c> or its name).</summary>
    public required string BindingName { get; init; }

    /// <summary>The shape of the value.</summary>
    public required SettingKind Kind { get; init; }

    /// <summary>The flag, e.g. <c>--internal</c>; null for a setting only the file can write.</summary>
    public string? Flag { get; init; }

    /// <summary>More names of the flag.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The environment variable, e.g. <c>OUTPUTGUARD_INTERNAL_RANGES</c>; null for a file-only setting.</summary>
    public string? EnvironmentVariable { get; init; }

    /// <summary>What the setting does (for --help).</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>The placeholder of the value in --help.</summary>
    public string ValueName { get; init; } = "VALUE";

    /// <summary>Whether the value is a secret, never repeated in messages.</summary>
    public bool Secret { get; init; }

    /// <summary>The default as text, or null when there is none worth showing.</summary>
    public string? DefaultText { get; init; }

    /// <summary>The smallest whole number an <see cref="SettingKind.WholeNumber"/> setting holds.</summary>
    public long Minimum { get; init; }

    /// <summary>The largest whole number an <see cref="SettingKind.WholeNumber"/> setting holds.</summary>
    public long Maximum { get; init; }

    /// <summary>For an <see cref="SettingKind.ObjectList"/>: the settings of each item.</summary>
    public SettingsSchema? Items { get; init; }

    /// <summary>Every name the flag answers to.</summary>
    public IEnumerable<string> FlagNames => Flag is null ? [] : [Flag, .. Aliases];
}
