using System.Globalization;
using System.Text;
using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// The last applied state on disk: a first line <c>outputguard-state 1 revision N</c>, then one destination per
/// line. Written to a temporary file that is flushed and then renamed over the old one, so a crash leaves
/// either the old or the new file, never a torn one.
/// </summary>
public sealed class StateFile
{
    private const string Magic = "outputguard-state 1 revision ";

    /// <summary>A state file at <paramref name="path"/>.</summary>
    public StateFile(string path) => Path = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Reads the file; null when there is none. A damaged file throws <see cref="InvalidDataException"/>.</summary>
    public AllowList? Read()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        using var reader = new StreamReader(Path, Encoding.UTF8);
        var header = reader.ReadLine();
        if (header is null || !header.StartsWith(Magic, StringComparison.Ordinal)
            || !long.TryParse(header.AsSpan(Magic.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            throw new InvalidDataException($"{Path} is not an OutputGuard state file (first line '{header}').");
        }

        var destinations = new List<AllowedDestination>();
        var n = 1;
        while (reader.ReadLine() is { } line)
        {
            n++;
            if (line.Length == 0)
            {
                continue;
            }

            if (!AllowedDestination.TryParse(line, out var d))
            {
                throw new InvalidDataException($"{Path} line {n}: '{line}' is not a destination.");
            }

            destinations.Add(d);
        }

        return AllowList.Of(revision, destinations);
    }

    /// <summary>Writes <paramref name="list"/> atomically (temporary file, fsync, rename).</summary>
    public void Write(AllowList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        Write(list.Revision, list.All);
    }

    /// <summary>Writes a revision and its destinations atomically (temporary file, fsync, rename).</summary>
    public void Write(long revision, IEnumerable<AllowedDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
            writer.Write(Magic);
            writer.WriteLine(revision.ToString(CultureInfo.InvariantCulture));
            foreach (var d in destinations)
            {
                writer.WriteLine(d.ToString());
            }

            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }
}
