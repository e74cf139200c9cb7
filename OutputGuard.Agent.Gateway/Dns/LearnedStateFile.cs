using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// The DNS proxy's state beside the gateway's state file (<c>STATE_FILE.dns</c>): the domain rules last received and
/// the learned addresses with their expiry, so that a restart enforces them again before the proxy answers and
/// before the control plane is back. Format: a line <c>outputguard-dns-state 1</c>, a line with the SHA-256 of the
/// rest, then JSON. A file that fails any check is refused whole (logged), never half-read; written to a temporary
/// file, flushed, renamed.
/// </summary>
public sealed class LearnedStateFile
{
    /// <summary>The largest file read.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    private const string Magic = "outputguard-dns-state 1";

    /// <summary>A file at <paramref name="path"/>.</summary>
    public LearnedStateFile(string path) => Path = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The file beside the gateway's state file.</summary>
    public static LearnedStateFile Beside(string stateFile) => new(stateFile + ".dns");

    /// <summary>Reads the file; null when there is none; <see cref="InvalidDataException"/> when it fails a check.</summary>
    public (IReadOnlyList<DomainRule> Rules, IReadOnlyList<LearnedAddress> Learned)? Read()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var length = new FileInfo(Path).Length;
        if (length > MaxBytes)
        {
            throw new InvalidDataException($"{Path}: {length} bytes, more than the {MaxBytes} it may hold");
        }

        var text = File.ReadAllText(Path, Encoding.UTF8);
        var first = text.IndexOf('\n', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf('\n', first + 1);
        if (first < 0 || second < 0 || text[..first] != Magic)
        {
            throw new InvalidDataException($"{Path}: not a DNS state file (no '{Magic}' line)");
        }

        var body = text[(second + 1)..];
        if (!string.Equals(text[(first + 1)..second], Hash(body), StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{Path}: the checksum does not match (torn or edited file)");
        }

        Saved saved;
        try
        {
            saved = JsonSerializer.Deserialize(body, LearnedStateJson.Default.Saved) ?? throw new InvalidDataException($"{Path}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Path}: {e.Message}", e);
        }

        var rules = saved.Rules.Select(r => new DomainRule(r.EntryId, r.Pattern, [.. r.Ports.Select(p => new PortSpan(p.Protocol, p.From, p.To))])).ToList();
        var learned = new List<LearnedAddress>();
        foreach (var l in saved.Learned)
        {
            if (!IPAddress.TryParse(l.Address, out var address))
            {
                throw new InvalidDataException($"{Path}: '{l.Address}' is not an address");
            }

            learned.Add(new LearnedAddress(l.EntryId, l.Name, address, l.Ttl, l.FirstSeen, l.LastSeen, l.Expires, [.. l.Ports.Select(p => new PortSpan(p.Protocol, p.From, p.To))]));
        }

        return (rules, learned);
    }

    /// <summary>Writes the rules and the learned addresses atomically.</summary>
    public void Write(IReadOnlyList<DomainRule> rules, IReadOnlyList<LearnedAddress> learned)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(learned);
        var saved = new Saved
        {
            Rules = [.. rules.Select(r => new SavedRule { EntryId = r.EntryId, Pattern = r.Pattern, Ports = Ports(r.Ports) })],
            Learned = [.. learned.Select(l => new SavedLearned
            {
                EntryId = l.EntryId,
                Name = l.Name,
                Address = l.Address.ToString(),
                Ttl = l.TtlSeconds,
                FirstSeen = l.FirstSeen,
                LastSeen = l.LastSeen,
                Expires = l.Expires,
                Ports = Ports(l.Ports),
            })],
        };
        var body = JsonSerializer.Serialize(saved, LearnedStateJson.Default.Saved);
        var temp = Path + ".tmp";
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var bytes = Encoding.UTF8.GetBytes($"{Magic}\n{Hash(body)}\n{body}");
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }

    private static List<SavedPort> Ports(IReadOnlyList<PortSpan> ports) =>
        [.. ports.Select(p => new SavedPort { Protocol = p.Protocol, From = p.From, To = p.To })];

    private static string Hash(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));

    internal sealed class Saved
    {
        public List<SavedRule> Rules { get; set; } = [];

        public List<SavedLearned> Learned { get; set; } = [];
    }

    internal sealed class SavedRule
    {
        public long EntryId { get; set; }

        public string Pattern { get; set; } = string.Empty;

        public List<SavedPort> Ports { get; set; } = [];
    }

    internal sealed class SavedLearned
    {
        public long EntryId { get; set; }

        public string Name { get; set; } = string.Empty;

        public string Address { get; set; } = string.Empty;

        public int Ttl { get; set; }

        public DateTimeOffset FirstSeen { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        public DateTimeOffset Expires { get; set; }

        public List<SavedPort> Ports { get; set; } = [];
    }

    internal sealed class SavedPort
    {
        public byte Protocol { get; set; }

        public ushort From { get; set; }

        public ushort To { get; set; }
    }
}

/// <summary>The source-generated JSON of <see cref="LearnedStateFile"/>.</summary>
[JsonSerializable(typeof(LearnedStateFile.Saved))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class LearnedStateJson : JsonSerializerContext;
