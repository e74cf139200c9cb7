using System.Net.Sockets;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>Addresses the DNS proxy learned: added to the learned sets (and their reply twins) with their own timeouts, in one batch.</summary>
public sealed partial class AllowListEnforcer
{
    /// <summary>
    /// Adds (or refreshes the timeout of) <paramref name="elements"/> in the learned sets, in one batch; returns when
    /// the kernel has them. Throws <see cref="Netlink.Sockets.NetlinkException"/> when the kernel refuses.
    /// </summary>
    public void ApplyLearned(IReadOnlyCollection<LearnedElement> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        if (elements.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            using (var batch = _nft.BeginBatch())
            {
                foreach (var f in TableLayout.Families)
                {
                    var mine = elements.Where(e => e.Address.AddressFamily == f.Family).ToList();
                    var hosts = mine.Where(e => e.Protocol == 0).Select(e => NftSetElement.Address(e.Address, e.Timeout)).ToList();
                    var ports = mine.Where(e => e.Protocol != 0 && !e.IsRange).Select(e => NftSetElement.AddressProtocolPort(e.Address, e.Protocol, e.Port, e.Timeout)).ToList();
                    var ranges = mine.Where(e => e.IsRange).Select(e => NftSetElement.AddressProtocolPort(e.Address, e.Protocol, e.Port, e.Timeout) with
                    {
                        KeyEnd = NftSetElement.AddressProtocolPort(e.Address, e.Protocol, e.LastPort).Key,
                    }).ToList();
                    if (hosts.Count > 0)
                    {
                        batch.AddElements(f.Learned, hosts);
                        batch.AddElements(f.LearnedIn, hosts);
                    }

                    if (ports.Count > 0)
                    {
                        batch.AddElements(f.LearnedPorts, ports);
                        batch.AddElements(f.LearnedPortsIn, ports);
                    }

                    if (ranges.Count > 0)
                    {
                        batch.AddElements(f.LearnedRanges, ranges);
                        batch.AddElements(f.LearnedRangesIn, ranges);
                    }
                }

                batch.Commit();
            }

            Committed();
        }
    }

    /// <summary>How many elements the learned sets of <paramref name="family"/> hold now (read from the kernel).</summary>
    public int LearnedCount(AddressFamily family)
    {
        var f = TableLayout.Families.First(l => l.Family == family);
        lock (_gate)
        {
            return _nft.ListElements(f.Learned).Count + _nft.ListElements(f.LearnedPorts).Count + _nft.ListElements(f.LearnedRanges).Count;
        }
    }
}
