namespace OutputGuard.Bench;

/// <summary>Prints a benchmark table: a title, a header, and rows with the text columns left and the numbers right.</summary>
public static class Table
{
    public static void Print(string title, string[] header, IReadOnlyList<string[]> rows, int textColumns = 1)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
        Console.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join(" | ", row.Select((c, i) => i >= textColumns ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))));
        }
    }
}
