using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using OutputGuard.Addressing;

namespace OutputGuard.ControlPlane.Resolver;

/// <summary>
/// Looks a domain up (A and AAAA) at every configured name server at once, follows CNAME chains up to a
/// depth, and merges the answers: the union of the addresses is published, so clients that use any
/// resolver of the set are covered. Internal addresses are set aside. NXDOMAIN only counts when every
/// server says so; a record type that some server fails is partial (its addresses are added and kept, never aged
/// out), while the other type's answer counts in full.
/// </summary>
public sealed class DnsLookup
{
    private readonly LookupClient _client;
    private readonly List<NameServer> _servers;
    private readonly DnsQueryOptions _queryOptions;
    private readonly InternalRanges _internal;
    private readonly int _maxCnameDepth;

    /// <summary>Creates a lookup over <paramref name="servers"/> (empty: the host's name servers).</summary>
    public DnsLookup(IReadOnlyList<IPEndPoint> servers, TimeSpan timeout, int maxCnameDepth, InternalRanges internalRanges)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(internalRanges);
        _servers = servers.Count > 0
            ? servers.Select(s => new NameServer(s)).ToList()
            : NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false).ToList();
        _queryOptions = new DnsQueryOptions
        {
            UseCache = false,
            Recursion = true,
            Retries = 1,
            Timeout = timeout,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
            UseTcpFallback = true,
            UseRandomNameServer = false,
        };
        _client = new LookupClient(new LookupClientOptions(_servers.ToArray()) { UseCache = false, AutoResolveNameServers = false });
        _internal = internalRanges;
        _maxCnameDepth = maxCnameDepth;
    }

    /// <summary>The name servers asked.</summary>
    public IReadOnlyList<string> Servers => _servers.Select(s => s.ToString()).ToList();

    /// <summary>
    /// Looks <paramref name="domain"/> up at every name server, A and AAAA each on its own, and merges the answers:
    /// an answer of one type counts even when the other type fails (at one server or all), and the failed type is
    /// partial — its addresses are kept as they are, none ages out.
    /// </summary>
    public async Task<LookupResult> LookupAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        if (_servers.Count == 0)
        {
            return LookupResult.Failure("no name server is configured and the host has none");
        }

        var queries = _servers.SelectMany(s => new[] { (Server: s, Type: QueryType.A), (Server: s, Type: QueryType.AAAA) }).ToList();
        var results = await Task.WhenAll(queries.Select(q => LookupTypeAsync(q.Server, domain, q.Type, cancellationToken)));
        var answers = queries.Zip(results, (q, r) => new RecordTypeAnswer(
            q.Server.ToString(), q.Type == QueryType.A ? RecordTypeAnswer.A : RecordTypeAnswer.Aaaa, r.Outcome, r.Addresses.Count + r.SkippedInternal.Count, r.Error))
            .ToList();
        var failures = results.Where(r => r.Outcome == LookupOutcome.Failed).Select(r => r.Error).Distinct(StringComparer.Ordinal).ToList();
        var answered = results.Where(r => r.Outcome == LookupOutcome.Answered).ToList();
        if (answered.Count == 0)
        {
            return failures.Count == 0
                ? new LookupResult(LookupOutcome.NxDomain, [], [], "NXDOMAIN: the name does not exist", answers)
                : LookupResult.Failure(string.Join("; ", failures), answers);
        }

        var addresses = new Dictionary<IPAddress, int>();
        var skipped = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var r in answered)
        {
            skipped.UnionWith(r.SkippedInternal);
            foreach (var a in r.Addresses)
            {
                addresses[a.Address] = addresses.TryGetValue(a.Address, out var ttl) ? Math.Min(ttl, a.TtlSeconds) : a.TtlSeconds;
            }
        }

        var error = failures.Count > 0
            ? $"partial: {string.Join(", ", RecordTypeAnswer.PartialTypes(answers))} failed ({string.Join("; ", failures)}); its addresses are kept, none ages out"
            : addresses.Count == 0 && skipped.Count == 0 ? "the name has no A or AAAA records" : string.Empty;
        return new LookupResult(
            LookupOutcome.Answered,
            addresses.Select(kv => new AnsweredAddress(kv.Key, kv.Value)).ToList(),
            skipped.ToList(),
            error,
            answers);
    }

    private async Task<LookupResult> LookupTypeAsync(NameServer server, string domain, QueryType type, CancellationToken cancellationToken)
    {
        var name = domain.TrimEnd('.') + ".";
        var chainTtl = int.MaxValue;
        for (var depth = 0; depth <= _maxCnameDepth; depth++)
        {
            IDnsQueryResponse response;
            try
            {
                response = await _client.QueryServerAsync([server], new DnsQuestion(name, type, QueryClass.IN), _queryOptions, cancellationToken);
            }
            catch (DnsResponseException e)
            {
                return LookupResult.Failure($"{server}: {Describe(e)} ({type} {name})");
            }
            catch (SocketException e)
            {
                return LookupResult.Failure($"{server}: network error {e.SocketErrorCode} ({type} {name})");
            }

            var code = response.Header.ResponseCode;
            if (code == DnsHeaderResponseCode.NotExistentDomain)
            {
                return depth == 0
                    ? new LookupResult(LookupOutcome.NxDomain, [], [], "NXDOMAIN: the name does not exist", [])
                    : LookupResult.Failure($"{server}: NXDOMAIN for CNAME target {name}");
            }

            if (code != DnsHeaderResponseCode.NoError)
            {
                return LookupResult.Failure($"{server}: {RcodeName(code)} ({type} {name})");
            }

            // Walk the chain inside this answer: name -> CNAME -> ... -> addresses.
            var records = response.Answers;
            var current = name;
            var hops = 0;
            while (records.CnameRecords().FirstOrDefault(c => SameName(c.DomainName.Value, current)) is { } cname)
            {
                if (++hops + depth > _maxCnameDepth)
                {
                    return LookupResult.Failure($"{server}: the CNAME chain of {domain} is longer than {_maxCnameDepth}");
                }

                chainTtl = Math.Min(chainTtl, cname.TimeToLive);
                current = cname.CanonicalName.Value;
            }

            var found = records.OfType<AddressRecord>()
                .Where(r => SameName(r.DomainName.Value, current) && r.RecordType == (type == QueryType.A ? ResourceRecordType.A : ResourceRecordType.AAAA))
                .ToList();
            if (found.Count > 0 || hops == 0)
            {
                return Classify(found.Select(r => new AnsweredAddress(Canonical(r.Address), Math.Min(chainTtl, r.TimeToLive))));
            }

            // The answer ended at a CNAME target without its records: ask for the target.
            depth += hops - 1;
            name = current;
        }

        return LookupResult.Failure($"{server}: the CNAME chain of {domain} is longer than {_maxCnameDepth}");
    }

    private LookupResult Classify(IEnumerable<AnsweredAddress> answers)
    {
        var published = new List<AnsweredAddress>();
        var skipped = new List<string>();
        foreach (var a in answers)
        {
            if (_internal.IsInternal(a.Address))
            {
                skipped.Add(a.Address.ToString());
            }
            else
            {
                published.Add(a);
            }
        }

        return new LookupResult(LookupOutcome.Answered, published, skipped, string.Empty, []);
    }

    private static IPAddress Canonical(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool SameName(string a, string b) =>
        string.Equals(a.TrimEnd('.'), b.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);

    /// <summary>The RFC 1035/2136 mnemonic of a response code, as operators know it from dig.</summary>
    private static string RcodeName(DnsHeaderResponseCode code) => code switch
    {
        DnsHeaderResponseCode.ServerFailure => "SERVFAIL",
        DnsHeaderResponseCode.Refused => "REFUSED",
        DnsHeaderResponseCode.FormatError => "FORMERR",
        DnsHeaderResponseCode.NotImplemented => "NOTIMP",
        _ => "RCODE " + ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Describe(DnsResponseException e) => e.Code switch
    {
        DnsResponseCode.ConnectionTimeout => "timeout",
        _ => e.DnsError,
    };
}
