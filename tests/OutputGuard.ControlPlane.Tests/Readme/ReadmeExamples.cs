namespace OutputGuard.ControlPlane.Tests.Readme;

/// <summary>The commands of the ```sh blocks of one README section, in order.</summary>
public static class ReadmeExamples
{
    /// <summary>Reads <paramref name="readme"/> and returns the commands of section <paramref name="heading"/> (up to the next heading of its level).</summary>
    public static IReadOnlyList<ReadmeCommand> Commands(string readme, string heading)
    {
        var lines = File.ReadAllLines(readme);
        var level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        var start = Array.IndexOf(lines, heading);
        if (start < 0)
        {
            throw new InvalidOperationException($"{readme} has no line '{heading}'");
        }

        var commands = new List<ReadmeCommand>();
        var inBlock = false;
        for (var i = start + 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!inBlock && line.StartsWith(level, StringComparison.Ordinal))
            {
                break;
            }

            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock && line.Trim() == "```sh";
                continue;
            }

            if (!inBlock || line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var first = i;
            var text = line;
            while (text.EndsWith('\\') && i + 1 < lines.Length)
            {
                text = text[..^1] + " " + lines[++i].Trim();
            }

            if (text.Contains("<<'EOF'", StringComparison.Ordinal))
            {
                while (++i < lines.Length && lines[i] != "EOF")
                {
                    text += "\n" + lines[i];
                }

                text += "\nEOF";
            }

            commands.Add(new ReadmeCommand(text, first + 1));
        }

        return commands;
    }
}
