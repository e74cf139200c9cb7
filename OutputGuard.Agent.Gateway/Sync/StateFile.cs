using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// The last applied state on disk, version 2, or version 3 when destinations carry entry names:
/// <code>
/// outputguard-state 3
/// store 5f0c…            (the control-plane store the destinations come from; "-" when unknown)
/// revision 42
/// destinations 3
/// 203.0.113.10/32
/// 203.0.113.12/32 6 443 443
/// 198.51.100.0/24
/// names 2                (version 3 only: the domain entries' names, each once)
/// api.example.com
/// cdn.example.net
/// named 2                (the destinations of domain entries: the destination, " = ", indices into the names,
/// 203.0.113.10/32 = 0           and "own" when an IP or CIDR entry holds it too)
/// 203.0.113.12/32 6 443 443 = 0 1 own
/// sha256 9a7b…           (of every byte above this line)
/// </code>
/// A state without names is written as version 2, which gateways before entry names read too; both versions are read.
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
    private const int NamedVersion = 3;

    /// <summary>The longest line <see cref="FormatLine(Destination, Span{byte})"/> writes (an IPv6 prefix with a port range is under 70 bytes).</summary>
    private const int MaxLineBytes = 128;

    /// <summary>A state file at <paramref name="path"/>.</summary>
    public StateFile(string path) => Path = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Reads the file; null when there is none. A file that fails any check throws <see cref="InvalidDataException"/> saying which.</summary>
    public AllowList? Read() => ReadWithNames()?.List;

    /// <summary>Reads the file with the entry names it holds (none in a version 2 file); null when there is none. Checks as <see cref="Read"/>.</summary>
    public (AllowList List, EntryNames Names)? ReadWithNames()
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

    /// <summary>Writes <paramref name="list"/> (with the entry names of its destinations) atomically (temporary file, fsync, rename).</summary>
    public void Write(AllowList list, IReadOnlyCollection<KeyValuePair<Destination, EntryNameSet>>? names = null)
    {
        ArgumentNullException.ThrowIfNull(list);
        Write(list.Revision, list.StoreId, list.All, names);
    }

    /// <summary>Writes a revision, its store, its destinations and their entry names atomically (temporary file, fsync, rename).</summary>
    public void Write(long revision, string storeId, IEnumerable<Destination> destinations, IReadOnlyCollection<KeyValuePair<Destination, EntryNameSet>>? names = null)
    {
        ArgumentNullException.ThrowIfNull(storeId);
        ArgumentNullException.ThrowIfNull(destinations);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            WriteTo(stream, revision, storeId, destinations, names);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>
    /// Writes a state file to <paramref name="stream"/>, line by line through one small buffer that also feeds the
    /// checksum: a million destinations are about 20 MB of file and no string per line.
    /// </summary>
    internal static void WriteTo(
        Stream stream, long revision, string storeId, IEnumerable<Destination> destinations, IReadOnlyCollection<KeyValuePair<Destination, EntryNameSet>>? names = null)
    {
        var version = names is { Count: > 0 } ? NamedVersion : Version;
        var all = destinations is IReadOnlyCollection<Destination> || destinations.TryGetNonEnumeratedCount(out _) ? destinations : destinations.ToList();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        var used = 0;
        try
        {
            used += Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"{Magic} {version}\nstore {(storeId.Length == 0 ? "-" : storeId)}\nrevision {revision}\ndestinations {(all is IReadOnlyCollection<Destination> counted ? counted.Count : all.Count())}\n"), buffer);
            foreach (var d in all)
            {
                if (buffer.Length - used < MaxLineBytes)
                {
                    Flush();
                }

                used += FormatLine(d, buffer.AsSpan(used));
                buffer[used++] = (byte)'\n';
            }

            Flush();
            if (version == NamedVersion)
            {
                var section = Encoding.UTF8.GetBytes(StateFileNames.Section(names!));
                hash.AppendData(section);
                stream.Write(section);
            }

            stream.Write(Encoding.ASCII.GetBytes($"sha256 {Convert.ToHexStringLower(hash.GetHashAndReset())}\n"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        void Flush()
        {
            hash.AppendData(buffer, 0, used);
            stream.Write(buffer, 0, used);
            used = 0;
        }
    }

    /// <summary>The bytes of a state file.</summary>
    internal static byte[] Format(
        long revision, string storeId, IEnumerable<Destination> destinations, IReadOnlyCollection<KeyValuePair<Destination, EntryNameSet>>? names = null)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, revision, storeId, destinations, names);
        return stream.ToArray();
    }

    private (AllowList List, EntryNames Names) Parse(byte[] bytes)
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

        if (header != $"{Magic} {Version}" && header != $"{Magic} {NamedVersion}")
        {
            throw Refused($"it is not an OutputGuard state file of version {Version} or {NamedVersion} (first line '{Truncate(header)}')");
        }

        var named = header == $"{Magic} {NamedVersion}";

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

        // lines ends with the empty string after the body's final newline; version 3 has its names after the destinations.
        if (named ? lines.Length - 5 < count : lines.Length - 5 != count)
        {
            throw Refused($"it holds {lines.Length - 5} destinations but says {count}");
        }

        var destinations = new List<Destination>(count);
        for (var i = 4; i < 4 + count; i++)
        {
            if (!TryParseLine(lines[i], out var d) || FormatLine(d) != lines[i])
            {
                throw Refused($"line {i + 1}: '{Truncate(lines[i])}' is not a destination in its canonical form");
            }

            destinations.Add(d);
        }

        var list = AllowList.Of(revision, destinations, store == "-" ? string.Empty : store);
        // Names of a destination the list does not hold (the writer copies the list and the names one after the other)
        // are dropped: names only label counters, and are kept only for destinations the list holds.
        var names = named ? StateFileNames.Parse(lines, 4 + count, d => EntryNames.InList(list, d), Refused) : new EntryNames();
        return (list, names);
    }

    /// <summary>
    /// A destination as a line of the file: <c>PREFIX</c> for every port, else <c>PREFIX PROTO FROM TO</c> with the
    /// protocol's number (<c>203.0.113.12/32 6 443 443</c>). This spelling is the file format's own, kept so that the
    /// files earlier versions wrote are still read; inside the gateway the <see cref="Destination"/> value is used.
    /// </summary>
    internal static string FormatLine(Destination destination) => destination.Port is { } p
        ? string.Create(CultureInfo.InvariantCulture, $"{destination.Prefix} {(int)p.Protocol} {p.From} {p.To}")
        : destination.Prefix.ToString();

    /// <summary>Writes <see cref="FormatLine(Destination)"/>'s spelling as UTF-8 into <paramref name="utf8"/>; returns the bytes written.</summary>
    internal static int FormatLine(Destination destination, Span<byte> utf8)
    {
        if (!destination.Prefix.Address.TryFormat(utf8, out var n))
        {
            throw new ArgumentException("The buffer is too small for a destination.", nameof(utf8));
        }

        utf8[n++] = (byte)'/';
        n += Number(destination.Prefix.Length, utf8[n..]);
        if (destination.Port is { } p)
        {
            utf8[n++] = (byte)' ';
            n += Number((int)p.Protocol, utf8[n..]);
            utf8[n++] = (byte)' ';
            n += Number(p.From, utf8[n..]);
            utf8[n++] = (byte)' ';
            n += Number(p.To, utf8[n..]);
        }

        return n;

        static int Number(int value, Span<byte> into) =>
            value.TryFormat(into, out var written, default, CultureInfo.InvariantCulture) ? written : throw new ArgumentException("The buffer is too small for a destination.", nameof(utf8));
    }

    /// <summary>Reads what <see cref="FormatLine(Destination)"/> writes (the caller checks the spelling is canonical).</summary>
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

    internal static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private InvalidDataException Refused(string why) => new($"{Path} is refused: {why}.");
}
