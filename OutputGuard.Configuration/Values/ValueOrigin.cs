namespace OutputGuard.Configuration.Values;

/// <summary>Where a value came from: a line of the file, an environment variable, a flag, or the default.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Where">How a message names it: <c>file /etc/x.yaml:3</c>, <c>environment OUTPUTGUARD_X</c>, <c>flag --x</c>.</param>
public sealed record ValueOrigin(ValueLayer Layer, string Where)
{
    /// <summary>Not given anywhere: the program's default.</summary>
    public static ValueOrigin Default { get; } = new(ValueLayer.Default, "default");

    /// <summary>A line of the configuration file.</summary>
    public static ValueOrigin File(string path, long line) => new(ValueLayer.File, FormattableString.Invariant($"file {path}:{line}"));

    /// <summary>An environment variable.</summary>
    public static ValueOrigin Variable(string name) => new(ValueLayer.Environment, $"environment {name}");

    /// <summary>A command-line flag.</summary>
    public static ValueOrigin Flag(string name) => new(ValueLayer.Flag, $"flag {name}");

    /// <inheritdoc />
    public override string ToString() => Where;
}
