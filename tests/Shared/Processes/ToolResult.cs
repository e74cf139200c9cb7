namespace OutputGuard.Testing;

/// <summary>
/// How a program run to its end went: exit code, standard output, standard error. Deconstructs as
/// <c>(code, stdout, stderr)</c>, or as <c>(code, output)</c> with both streams in one string.
/// </summary>
public sealed record ToolResult(int Code, string Stdout, string Stderr)
{
    /// <summary>Standard output followed by standard error.</summary>
    public string Output => Stdout + Stderr;

    /// <summary>The exit code and <see cref="Output"/>.</summary>
    public void Deconstruct(out int code, out string output)
    {
        code = Code;
        output = Output;
    }
}
