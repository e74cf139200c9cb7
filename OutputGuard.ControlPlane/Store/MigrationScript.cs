using System.Globalization;
using System.Reflection;

namespace OutputGuard.ControlPlane.Store;

/// <summary>One numbered schema migration, embedded as <c>Store/Migrations/{dialect}/NNNN_name.sql</c>.</summary>
/// <param name="Version">The number the file name starts with.</param>
/// <param name="Name">The file name.</param>
/// <param name="Statements">The statements, split on lines that read <c>-- statement</c>.</param>
internal sealed record MigrationScript(int Version, string Name, IReadOnlyList<string> Statements)
{
    private const string StatementMarker = "-- statement";

    /// <summary>The embedded migrations of a dialect ("sqlite" or "mysql"), in version order.</summary>
    public static IReadOnlyList<MigrationScript> Load(string dialect)
    {
        var assembly = typeof(MigrationScript).Assembly;
        var infix = $".Migrations.{dialect}.";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var at = resource.IndexOf(infix, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[(at + infix.Length)..].TrimStart('_');
            var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(fileName.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Embedded migration '{resource}' does not start with a number (NNNN_name.sql).");
            }

            scripts.Add(new MigrationScript(version, fileName, Split(Read(assembly, resource))));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"Two {dialect} migrations have the number {scripts[i].Version}.");
            }
        }

        return scripts.Count > 0 ? scripts : throw new InvalidOperationException($"No embedded {dialect} migrations were found.");
    }

    /// <summary>Splits a script on marker lines; a trailing ';' of a statement is dropped.</summary>
    internal static IReadOnlyList<string> Split(string script)
    {
        var statements = new List<string>();
        var current = new List<string>();
        foreach (var line in script.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Trim() == StatementMarker)
            {
                Flush();
            }
            else
            {
                current.Add(line);
            }
        }

        Flush();
        return statements;

        void Flush()
        {
            var text = string.Join('\n', current).Trim();
            current.Clear();
            if (text.EndsWith(';'))
            {
                text = text[..^1].TrimEnd();
            }

            var hasCode = text.Split('\n').Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("--", StringComparison.Ordinal));
            if (hasCode)
            {
                statements.Add(text);
            }
        }
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration '{resource}' cannot be read.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
