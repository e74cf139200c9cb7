using System.Globalization;
using System.Text;
using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// The entry-names section of a version 3 <see cref="StateFile"/>, after the destinations: <c>names N</c>, the names
/// (each once), <c>named M</c>, and per destination of a domain entry its line, <c> = </c>, the indices of its names,
/// and <c>own</c> when an IP or CIDR entry holds it too. Read as strictly as the rest of the file.
/// </summary>
internal static class StateFileNames
{
    /// <summary>The lines of version 3 after the destinations: <c>names N</c>, the names, <c>named M</c>, the named destinations.</summary>
    public static string Section(IReadOnlyCollection<KeyValuePair<Destination, EntryNameSet>> names)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var table = new List<string>();
        foreach (var name in names.SelectMany(n => n.Value.Names))
        {
            if (index.TryAdd(name, table.Count))
            {
                table.Add(name);
            }
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"names {table.Count}\n");
        foreach (var name in table)
        {
            text.Append(name).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"named {names.Count}\n");
        foreach (var (destination, set) in names)
        {
            text.Append(NamedLine(destination, set.Names.Select(n => index[n]), set.OwnEntry)).Append('\n');
        }

        return text.ToString();
    }

    private static string NamedLine(Destination destination, IEnumerable<int> indices, bool own) =>
        $"{StateFile.FormatLine(destination)} = {string.Join(' ', indices.Select(i => i.ToString(CultureInfo.InvariantCulture)))}{(own ? " own" : string.Empty)}";

    /// <summary>Reads the names section of a version 3 file from line <paramref name="at"/> to the end of <paramref name="lines"/> (whose last item is empty).</summary>
    public static EntryNames Parse(string[] lines, int at, Func<Destination, bool> holds, Func<string, Exception> refused)
    {
        string Line(int i) => i < lines.Length - 1 ? lines[i] : throw refused($"it ends at line {i + 1}, inside its names");
        int Count(int i, string name) => Line(i).StartsWith(name + " ", StringComparison.Ordinal)
            && int.TryParse(Line(i).AsSpan(name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw refused($"line {i + 1} is not '{name} N'");

        var nameCount = Count(at, "names");
        if (nameCount > lines.Length)
        {
            throw refused($"line {at + 1} says {nameCount} names, more than the file has lines");
        }

        var table = new string[nameCount];
        for (var k = 0; k < nameCount; k++)
        {
            table[k] = EntryNames.IsValidName(Line(at + 1 + k)) ? Line(at + 1 + k) : throw refused($"line {at + 2 + k}: '{StateFile.Truncate(Line(at + 1 + k))}' is not an entry name");
        }

        at += 1 + nameCount;
        var namedCount = Count(at, "named");
        if (lines.Length - 2 - at != namedCount)
        {
            throw refused($"it holds {lines.Length - 2 - at} named destinations but says {namedCount}");
        }

        var names = new EntryNames();
        for (var i = at + 1; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            var split = line.IndexOf(" = ", StringComparison.Ordinal);
            var tokens = split < 0 ? [] : line[(split + 3)..].Split(' ');
            var own = tokens.Length > 0 && tokens[^1] == "own";
            var indices = new List<int>();
            foreach (var t in own ? tokens[..^1] : tokens)
            {
                indices.Add(int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < table.Length ? n : -1);
            }

            if (split < 0 || indices.Count == 0 || indices.Contains(-1) || !StateFile.TryParseLine(line[..split], out var d)
                || NamedLine(d, indices, own) != line)
            {
                throw refused($"line {i + 1}: '{StateFile.Truncate(line)}' is not a named destination in its canonical form");
            }

            if (holds(d))
            {
                names.Set(d, indices.Select(n => table[n]), own);
            }
        }

        return names;
    }
}
