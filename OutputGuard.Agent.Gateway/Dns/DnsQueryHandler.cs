using System.Diagnostics;
using System.Net;
using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Logging;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// Answers one query, whatever the transport: queries from outside the client ranges get REFUSED (the proxy is never
/// an open resolver); others go upstream as they are; when the name matches domain rules, the answer's addresses are
/// learned (in the kernel) before the answer is returned. An upstream that does not answer, or a kernel that refuses
/// the learned addresses, gives SERVFAIL: the client never gets an answer whose addresses are not allowed.
/// </summary>
public sealed partial class DnsQueryHandler
{
    private const int MaxCnameHops = 16;
    private readonly DomainPolicy _policy;
    private readonly DnsLearner _learner;
    private readonly UpstreamResolver _upstream;
    private readonly IReadOnlyList<IpPrefix> _clients;
    private readonly DnsMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    public DnsQueryHandler(DomainPolicy policy, DnsLearner learner, UpstreamResolver upstream, IReadOnlyList<IpPrefix> clients, DnsMetrics metrics, ILogger logger)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _learner = learner ?? throw new ArgumentNullException(nameof(learner));
        _upstream = upstream ?? throw new ArgumentNullException(nameof(upstream));
        _clients = clients ?? throw new ArgumentNullException(nameof(clients));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The answer to <paramref name="query"/> from <paramref name="client"/>; empty when there is nothing to send.</summary>
    public async Task<byte[]> AnswerAsync(byte[] query, IPAddress client, bool tcp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(client);
        var started = Stopwatch.GetTimestamp();
        var transport = tcp ? "tcp" : "udp";
        if (!IsClient(client))
        {
            _metrics.Query(transport, "refused");
            return DnsWire.ErrorAnswer(query, DnsWire.Refused);
        }

        var name = QuestionName(query);
        if (name is null)
        {
            _metrics.Query(transport, "malformed");
            return DnsWire.ErrorAnswer(query, DnsWire.FormErr);
        }

        var rules = _policy.Match(name);
        var answer = await _upstream.QueryAsync(query, tcp, cancellationToken);
        if (answer is null)
        {
            _metrics.Query(transport, "upstream_failed", Stopwatch.GetElapsedTime(started).TotalSeconds);
            return DnsWire.ErrorAnswer(query, DnsWire.ServFail);
        }

        var result = "answered";
        if (rules.Count > 0)
        {
            var addresses = Addresses(name, answer);
            if (addresses is null)
            {
                LogBadAnswer(_logger, name);
                _metrics.Query(transport, "upstream_failed", Stopwatch.GetElapsedTime(started).TotalSeconds);
                return DnsWire.ErrorAnswer(query, DnsWire.ServFail);
            }

            try
            {
                _learner.Learn(rules, name, addresses);
                result = "learned";
            }
            catch (NetlinkException e)
            {
                LogLearnFailed(_logger, name, e.Message);
                _metrics.Query(transport, "learn_failed", Stopwatch.GetElapsedTime(started).TotalSeconds);
                return DnsWire.ErrorAnswer(query, DnsWire.ServFail);
            }
        }

        _metrics.Query(transport, result, Stopwatch.GetElapsedTime(started).TotalSeconds);
        return answer;
    }

    /// <summary>
    /// The A and AAAA addresses an answer gives for <paramref name="name"/>, following CNAMEs (in any order, at most
    /// 16 hops); records of other owners are ignored. Null when the answer cannot be parsed.
    /// </summary>
    public static List<(IPAddress Address, int Ttl)>? Addresses(string name, byte[] answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        DnsMessage message;
        try
        {
            message = DnsMessage.Parse(new ArraySegment<byte>(answer));
        }
#pragma warning disable CA1031 // The library throws what it throws on garbage; garbage is refused.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }

        var owners = new HashSet<string>(StringComparer.Ordinal) { name };
        for (var hop = 0; hop < MaxCnameHops; hop++)
        {
            var grew = false;
            foreach (var c in message.AnswerRecords.OfType<CNameRecord>())
            {
                if (owners.Contains(Normalize(c.Name)) && owners.Add(Normalize(c.CanonicalName)))
                {
                    grew = true;
                }
            }

            if (!grew)
            {
                break;
            }
        }

        var addresses = new List<(IPAddress, int)>();
        foreach (var record in message.AnswerRecords)
        {
            if (!owners.Contains(Normalize(record.Name)))
            {
                continue;
            }

            switch (record)
            {
                case ARecord a:
                    addresses.Add((a.Address, a.TimeToLive));
                    break;
                case AaaaRecord aaaa:
                    addresses.Add((aaaa.Address, aaaa.TimeToLive));
                    break;
            }
        }

        return addresses;
    }

    /// <summary>The normalised name of a query's single question; null when it is not one query with one question.</summary>
    public static string? QuestionName(byte[] query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Length < DnsWire.HeaderLength || DnsWire.IsResponse(query))
        {
            return null;
        }

        try
        {
            var message = DnsMessage.Parse(new ArraySegment<byte>(query));
            return message.Questions.Count == 1 ? Normalize(message.Questions[0].Name) : null;
        }
#pragma warning disable CA1031 // Garbage is refused with FORMERR.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static string Normalize(ARSoft.Tools.Net.DomainName name) => DomainPattern.Normalize(name.ToString());

    private bool IsClient(IPAddress address)
    {
        var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var c in _clients)
        {
            if (c.Contains(a))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The upstream's answer for {Name} cannot be parsed; the client gets SERVFAIL")]
    private static partial void LogBadAnswer(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "The kernel refused the addresses learned for {Name} ({Error}); the client gets SERVFAIL")]
    private static partial void LogLearnFailed(ILogger logger, string name, string error);
}
