using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// The last applied state on disk, version 2:
/// <code>
/// outputguard-state 2
/// store 5f0c…            (the control-plane store the destinations come from; "-" when unknown)
/// revision 42
/// destinations 2
/// 203.0.113.10/32
/// 203.0.113.12/32 6 443 443
/// sha256 9a7b…           (of every byte above this line)
/// </code>
/// Parsing is strict: every line in its one canonical spelling, the count and the checksum must agree, nothing may
/// follow the checksum line. So a torn, truncated, bit-flipped or hand-edited file is refused, never half-read.
/// Written to a temporary file that is flushed and then renamed over the old one.
/// </summary>
public sealed class StateFile
{
    /// <summary>Largest file read (a million destinations are about 40 MB).</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    private const string Magic = "outputguard-state";
    private const int Version = 2;

    /// <summary>A state file at <paramref name="path"/>.</summary>
    public StateFile(string path) => Path = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Reads the file; null when there is none. A file that fails any check throws <see cref="InvalidDataException"/> saying which.</summary>
    public AllowList? Read()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var length = new FileInfo(Path).Length;
        if (length > MaxBytes)
        {
            throw Refused($"it is {length} bytes, more than the {MaxBytes} a state file may hold");
        }

        return Parse(File.ReadAllBytes(Path));
    }

    /// <summary>Writes <paramref name="list"/> atomically (temporary file, fsync, rename).</summary>
    public void Write(AllowList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        Write(list.Revision, list.StoreId, list.All);
    }

    /// <summary>Writes a revision, its store and its destinations atomically (temporary file, fsync, rename).</summary>
    public void Write(long revision, string storeId, IEnumerable<Destination> destinations)
    {
        ArgumentNullException.ThrowIfNull(storeId);
        ArgumentNullException.ThrowIfNull(destinations);
        var body = Format(revision, storeId, destinations);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            stream.Write(body);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>The bytes of a state file.</summary>
    internal static byte[] Format(long revision, string storeId, IEnumerable<Destination> destinations)
    {
        var list = destinations.Select(FormatLine).ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Magic} {Version}\n");
        text.Append(CultureInfo.InvariantCulture, $"store {(storeId.Length == 0 ? "-" : storeId)}\n");
        text.Append(CultureInfo.InvariantCulture, $"revision {revision}\n");
        text.Append(CultureInfo.InvariantCulture, $"destinations {list.Count}\n");
        foreach (var line in list)
        {
            text.Append(line).Append('\n');
        }

        var body = Encoding.UTF8.GetBytes(text.ToString());
        var trailer = Encoding.ASCII.GetBytes($"sha256 {Convert.ToHexStringLower(SHA256.HashData(body))}\n");
        return [.. body, .. trailer];
    }

    private AllowList Parse(byte[] bytes)
    {
        // The checksum line is the last line: find it first, so that nothing is read from a file that fails it.
        if (bytes.Length < 2 || bytes[^1] != (byte)'\n')
        {
            throw Refused("it does not end with a complete line (torn or truncated)");
        }

        var lastStart = Array.LastIndexOf(bytes, (byte)'\n', bytes.Length - 2) + 1;
        var last = Encoding.ASCII.GetString(bytes, lastStart, bytes.Length - 1 - lastStart);
        var body = bytes.AsSpan(0, lastStart);
        var header = FirstLine(body);
        if (header == $"{Magic} 1" || header.StartsWith($"{Magic} 1 ", StringComparison.Ordinal))
        {
            throw Refused("it is version 1, which has no checksum; the gateway waits for the control plane's snapshot");
        }

        if (header != $"{Magic} {Version}")
        {
            throw Refused($"it is not an OutputGuard state file of version {Version} (first line '{Truncate(header)}')");
        }

        if (!last.StartsWith("sha256 ", StringComparison.Ordinal))
        {
            throw Refused("its last line is not the checksum (torn or truncated)");
        }

        var expected = Convert.ToHexStringLower(SHA256.HashData(body));
        if (!string.Equals(last["sha256 ".Length..], expected, StringComparison.Ordinal))
        {
            throw Refused("the checksum does not match the contents (torn, truncated or altered)");
        }

        var lines = Encoding.UTF8.GetString(body).Split('\n');
        string Field(int index, string name)
        {
            var line = index < lines.Length ? lines[index] : string.Empty;
            return line.StartsWith(name + " ", StringComparison.Ordinal)
                ? line[(name.Length + 1)..]
                : throw Refused($"line {index + 1} is not '{name} …'");
        }

        var store = Field(1, "store");
        if (store != "-" && !StoreIds.IsValid(store))
        {
            throw Refused($"line 2: '{Truncate(store)}' is not a store id");
        }

        if (!long.TryParse(Field(2, "revision"), NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            throw Refused("line 3: the revision is not a number");
        }

        if (!int.TryParse(Field(3, "destinations"), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw Refused("line 4: the destination count is not a number");
        }

        // lines ends with the empty string after the body's final newline.
        if (lines.Length - 5 != count)
        {
            throw Refused($"it holds {lines.Length - 5} destinations but says {count}");
        }

        var destinations = new List<Destination>(count);
        for (var i = 4; i < lines.Length - 1; i++)
        {
            if (!TryParseLine(lines[i], out var d) || FormatLine(d) != lines[i])
            {
                throw Refused($"line {i + 1}: '{Truncate(lines[i])}' is not a destination in its canonical form");
            }

            destinations.Add(d);
        }

        return AllowList.Of(revision, destinations, store == "-" ? string.Empty : store);
    }

    /// <summary>
    /// A destination as a line of the file: <c>PREFIX</c> for every port, else <c>PREFIX PROTO FROM TO</c> with the
    /// protocol's number (<c>203.0.113.12/32 6 443 443</c>). This spelling is the file format's own, kept so that the
    /// files earlier versions wrote are still read; inside the gateway the <see cref="Destination"/> value is used.
    /// </summary>
    internal static string FormatLine(Destination destination) => destination.Port is { } p
        ? string.Create(CultureInfo.InvariantCulture, $"{destination.Prefix} {(int)p.Protocol} {p.From} {p.To}")
        : destination.Prefix.ToString();

    /// <summary>Reads what <see cref="FormatLine"/> writes (the caller checks the spelling is canonical).</summary>
    internal static bool TryParseLine(string line, out Destination destination)
    {
        destination = default;
        var parts = line.Split(' ');
        if (parts.Length is not (1 or 4) || !IpPrefix.TryParse(parts[0], out var prefix, out _))
        {
            return false;
        }

        if (parts.Length == 1)
        {
            destination = Destination.Any(prefix);
            return true;
        }

        return long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var protocol)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            && Destination.TryCreate(prefix, protocol, from, to, out destination, out _);
    }

    private static string FirstLine(ReadOnlySpan<byte> body)
    {
        var end = body.IndexOf((byte)'\n');
        return Encoding.UTF8.GetString(end < 0 ? body : body[..end]);
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private InvalidDataException Refused(string why) => new($"{Path} is refused: {why}.");
}
