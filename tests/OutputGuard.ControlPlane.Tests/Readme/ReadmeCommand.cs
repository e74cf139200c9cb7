namespace OutputGuard.ControlPlane.Tests.Readme;

/// <summary>One shell command of the README: its text (continuation lines joined, a here-document kept) and the program it runs.</summary>
/// <param name="Text">The command as a shell reads it.</param>
/// <param name="Line">Its line number in README.md.</param>
public sealed record ReadmeCommand(string Text, int Line)
{
    /// <summary>The first word: curl, grpcurl, dotnet, cat, export, or an assignment such as H=….</summary>
    public string Program => Text.Split([' ', '\n'], 2)[0];

    public override string ToString() => $"README.md:{Line}: {Text}";
}
