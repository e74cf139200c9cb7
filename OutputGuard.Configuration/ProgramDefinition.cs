using System.Reflection;
using OutputGuard.Configuration.Schema;

namespace OutputGuard.Configuration;

/// <summary>What the pipeline needs to know of a program: its name, its settings, its version, its help texts.</summary>
public sealed record ProgramDefinition
{
    /// <summary>The executable's name, e.g. <c>outputguard-route</c>; every message starts with it.</summary>
    public required string Name { get; init; }

    /// <summary>One paragraph for the top of --help.</summary>
    public required string Summary { get; init; }

    /// <summary>The settings.</summary>
    public required SettingsSchema Schema { get; init; }

    /// <summary>More names of <c>--config</c> (the control plane keeps <c>-server-conf-path</c>).</summary>
    public IReadOnlyList<string> ConfigAliases { get; init; } = [];

    /// <summary>Lines printed at the end of --help (examples, file-only keys).</summary>
    public string Notes { get; init; } = string.Empty;

    /// <summary>The version, e.g. <c>1.0.0</c>.</summary>
    public string Version { get; init; } = "0.0.0";

    /// <summary>The source commit it was built from, or <c>unknown</c>.</summary>
    public string Commit { get; init; } = "unknown";

    /// <summary>The version line of <c>--version</c>.</summary>
    public string VersionLine => $"{Name} {Version} (commit {Commit})";

    /// <summary>Reads version and commit from the assembly's informational version (<c>1.0.0+&lt;sha&gt;</c>).</summary>
    public ProgramDefinition WithVersionOf(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return this with
        {
            Version = plus < 0 ? informational : informational[..plus],
            Commit = plus < 0 || plus == informational.Length - 1 ? "unknown" : informational[(plus + 1)..],
        };
    }
}
