using System.Net;
using System.Net.Sockets;
using OutputGuard.ControlPlane.Resolver;

namespace OutputGuard.ControlPlane.Store;

/// <summary>
/// The pure part of applying a lookup to an entry's resolved-address rows: answered addresses become
/// live (new ones only while the entry is under its cap), addresses missing from a complete definite
/// answer of their record type enter their grace period, and those last seen a grace period ago leave. A
/// failed lookup never ages anything out; a partial one (A answered, AAAA failed, or the reverse) ages out
/// only the addresses of the type that every name server answered.
/// </summary>
internal sealed class ResolutionPlan
{
    private int _excessCount;
    private readonly List<string> _excess = [];

    public List<IPAddress> Added { get; } = [];

    public List<IPAddress> Removed { get; } = [];

    public List<IPAddress> EnteredGrace { get; } = [];

    /// <summary>Known addresses answered again (last seen now, live), with their TTL.</summary>
    public List<(string Address, int Ttl)> Refreshed { get; } = [];

    /// <summary>Changes <paramref name="rows"/> (keyed by address text) in place and returns what changed.</summary>
    public static ResolutionPlan Apply(Dictionary<string, ResolvedAddressRow> rows, LookupResult lookup, ResolutionPolicy policy, long now)
    {
        var plan = new ResolutionPlan();
        if (lookup.Outcome == LookupOutcome.Failed)
        {
            return plan;
        }

        var answered = lookup.Outcome == LookupOutcome.Answered ? lookup.Addresses : [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fresh = new List<AnsweredAddress>();
        foreach (var a in answered)
        {
            var key = a.Address.ToString();
            seen.Add(key);
            if (rows.TryGetValue(key, out var row))
            {
                plan.Refreshed.Add((key, a.TtlSeconds));
                row.LastSeen = now;
                row.Ttl = a.TtlSeconds;
                row.State = (int)ResolvedAddressState.Live;
            }
            else
            {
                fresh.Add(a);
            }
        }

        var v4AgesOut = lookup.AgesOut(AddressFamily.InterNetwork);
        var v6AgesOut = lookup.AgesOut(AddressFamily.InterNetworkV6);
        if (v4AgesOut || v6AgesOut)
        {
            var graceMs = (long)policy.GracePeriod.TotalMilliseconds;
            var missing = rows.Where(r => !seen.Contains(r.Key)).ToList();
            foreach (var (key, row) in missing.Where(r => IPAddress.Parse(r.Key).AddressFamily == AddressFamily.InterNetwork ? v4AgesOut : v6AgesOut))
            {
                if (now - row.LastSeen >= graceMs)
                {
                    rows.Remove(key);
                    plan.Removed.Add(IPAddress.Parse(key));
                }
                else if (row.State == (int)ResolvedAddressState.Live)
                {
                    row.State = (int)ResolvedAddressState.InGrace;
                    plan.EnteredGrace.Add(IPAddress.Parse(key));
                }
            }
        }

        fresh.Sort((x, y) => SqlControlPlaneStore.CompareAddresses(x.Address, y.Address));
        foreach (var a in fresh)
        {
            if (rows.Count >= policy.MaxAddresses)
            {
                plan._excessCount++;
                if (plan._excess.Count < ResolutionStatus.MaxExcessShown)
                {
                    plan._excess.Add(a.Address.ToString());
                }

                continue;
            }

            var key = a.Address.ToString();
            rows[key] = new ResolvedAddressRow
            {
                Address = key,
                FirstSeen = now,
                LastSeen = now,
                Ttl = a.TtlSeconds,
                State = (int)ResolvedAddressState.Live,
            };
            plan.Added.Add(a.Address);
        }

        plan.Removed.Sort(SqlControlPlaneStore.CompareAddresses);
        plan.EnteredGrace.Sort(SqlControlPlaneStore.CompareAddresses);
        return plan;
    }

    /// <summary>The status row after this lookup.</summary>
    public ResolutionStatusRow Status(ResolutionStatusRow? previous, LookupResult lookup, long now)
    {
        if (lookup.Outcome == LookupOutcome.Failed)
        {
            return new ResolutionStatusRow
            {
                LastAttempt = now,
                LastSuccess = previous?.LastSuccess,
                LastError = lookup.Error,
                ConsecutiveFailures = (previous?.ConsecutiveFailures ?? 0) + 1,
                SkippedInternal = previous?.SkippedInternal ?? string.Empty,
                ExcessCount = previous?.ExcessCount ?? 0,
                ExcessAddresses = previous?.ExcessAddresses ?? string.Empty,
                Answers = RecordTypeAnswersJson.Write(lookup.Answers),
            };
        }

        return new ResolutionStatusRow
        {
            LastAttempt = now,
            LastSuccess = now,
            LastError = lookup.Error,
            ConsecutiveFailures = lookup.Outcome == LookupOutcome.NxDomain ? (previous?.ConsecutiveFailures ?? 0) + 1 : 0,
            SkippedInternal = string.Join(',', lookup.SkippedInternal),
            ExcessCount = _excessCount,
            ExcessAddresses = string.Join(',', _excess),
            Answers = RecordTypeAnswersJson.Write(lookup.Answers),
        };
    }
}
