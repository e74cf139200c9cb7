namespace OutputGuard.Configuration.Schema;

/// <summary>
/// Describes one property of an options class for <c>--help</c> and names its flag when the default
/// (<c>--</c> and the key with dashes) does not fit. Every public read-write property of an options class is a
/// setting, with or without this attribute; the attribute only adds what a reader needs.
/// </summary>
/// <param name="description">One sentence for --help: what the setting does, in the operator's words.</param>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class SettingAttribute(string description) : Attribute
{
    /// <summary>What the setting does.</summary>
    public string Description { get; } = description;

    /// <summary>The flag, e.g. <c>--internal</c>; default: <c>--</c> and the key with dashes.</summary>
    public string? Flag { get; init; }

    /// <summary>More names of the flag, e.g. the single-dash flags of the system OutputGuard replaces.</summary>
    public string[] Aliases { get; init; } = [];

    /// <summary>The placeholder of the value in --help, e.g. <c>CIDR</c>.</summary>
    public string? ValueName { get; init; }

    /// <summary>A secret (password, token): its value is never repeated in a message.</summary>
    public bool Secret { get; init; }
}
