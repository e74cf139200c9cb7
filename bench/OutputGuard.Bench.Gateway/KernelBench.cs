using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Netlink.Nftables;
using Destination = OutputGuard.Addressing.Destination;
using WireDestination = OutputGuard.V1.Destination;

namespace OutputGuard.Bench.Gateway;

/// <summary>
/// A snapshot of N hosts into the enforcer, against the kernel's floor measured in the same run: one raw batch of
/// the same N keys (pre-encoded, no diff, no mirror) into the same sets. Rows: the floor, the load with its phases,
/// the equal snapshot, the gateway's sync path (wire → destinations → list, state file), memory.
/// </summary>
internal static class KernelBench
{
    /// <summary>Public addresses from 11.0.0.0 on (one per destination), never the sink.</summary>
    public static Destination Host(int i) => Destination.Any(IpPrefix.Host(new IPAddress(BitConverter.GetBytes(
        System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)(0x0B000000 + i))))));

    public static List<string[]> Snapshot(BenchLab lab, EnforcerSettings settings, int n)
    {
        var rows = new List<string[]>();
        var count = n.ToString("N0", CultureInfo.InvariantCulture);

        // The floor: the keys already encoded, one batch into the empty sets the enforcer made.
        var keys = new byte[4 * n];
        for (var i = 0; i < n; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(keys.AsSpan(4 * i), (uint)(0x0B000000 + i));
        }

        // A first batch into a new table pays for the kernel's caches warming up: not measured. The floor's hosts set
        // is made with the size a load gives it (the load makes it anew with that size in its batch).
        var sized = settings with { HostsSizeMinimum = HostsCapacity.For(n, settings.HostsSizeMinimum, settings.HostsMaximum) };
        Floor(lab, sized, keys, [FamilyLayout.V4.Hosts]);
        var floor = Floor(lab, sized, keys, [FamilyLayout.V4.Hosts]);
        var counted = Floor(lab, settings, keys, [FamilyLayout.V4.Seen]);
        var old = Floor(lab, settings, keys, [FamilyLayout.V4.Seen, FamilyLayout.V4.SeenIn]);
        var unsized = UnsizedFloor(lab, settings, keys);
        rows.Add([$"floor: one raw batch, N keys into the hosts set (no counters: what a load writes; size {sized.HostsSizeMinimum:N0})", count, Ms(floor), "1.00", ""]);
        rows.Add(["  for comparison: into a hosts set made without a size (the layout before sized sets)", count, Ms(unsized), Ratio(unsized, floor), ""]);
        rows.Add(["  for comparison: N keys into one hash set with a counter per element", count, Ms(counted), Ratio(counted, floor), ""]);
        rows.Add(["  for comparison: into two such sets (the layout before the seen sets)", count, Ms(old), Ratio(old, floor), ""]);

        // The gateway's sync path: wire destinations (as a snapshot brings them) → destinations → the list.
        var wire = new List<WireDestination>(n);
        for (var i = 0; i < n; i++)
        {
            wire.Add(new WireDestination { Prefix = Host(i).Prefix.ToString() });
        }

        var map = Stopwatch.StartNew();
        var (accepted, refused) = DestinationMapper.Map(wire);
        map.Stop();
        var build = Stopwatch.StartNew();
        var list = AllowList.Of(1, accepted, "bench");
        build.Stop();
        wire.Clear();
        accepted.Clear();
        rows.Add(["sync: map N wire destinations (parse, canonical check)", count, Ms(map.Elapsed.TotalMilliseconds), refused.Count == 0 ? "" : "REFUSED", ""]);
        rows.Add(["sync: build the AllowList", count, Ms(build.Elapsed.TotalMilliseconds), "", ""]);

        Delete(lab);
        using var enforcer = new AllowListEnforcer(NftConnection.OpenIn(lab.Gateway), settings, NullLogger.Instance);
        enforcer.Start();
        var load = Stopwatch.StartNew();
        enforcer.Apply(list);
        load.Stop();
        var phases = enforcer.LastApply;
        rows.Add(["kernel: load snapshot into an empty table", count, Ms(load.Elapsed.TotalMilliseconds), Ratio(load.Elapsed.TotalMilliseconds, floor), ""]);
        rows.Add(["  diff (hosts compared, CIDR and port sets compiled)", count, Ms(phases.Diff.TotalMilliseconds), "", ""]);
        rows.Add([$"  encode ({phases.BatchBytes / 1048576.0:0.0} MiB batch)", count, Ms(phases.Encode.TotalMilliseconds), "", ""]);
        rows.Add(["  kernel (send of one transaction, ACK)", count, Ms(phases.Kernel.TotalMilliseconds), Ratio(phases.Kernel.TotalMilliseconds, floor), ""]);
        rows.Add(["  mirror updated", count, Ms(phases.Mirror.TotalMilliseconds), "", ""]);

        var equalList = Stopwatch.StartNew();
        var same = AllowList.Of(2, list.All.ToList(), "bench");
        equalList.Stop();
        var again = Stopwatch.StartNew();
        var result = enforcer.Apply(same);
        again.Stop();
        rows.Add(["kernel: equal snapshot (no batch)", count, Ms(again.Elapsed.TotalMilliseconds), result.Committed ? "COMMITTED" : "no change", ""]);
        rows.Add(["  + building its AllowList (sync path)", count, Ms(equalList.Elapsed.TotalMilliseconds), "", ""]);

        // A restart: another enforcer adopts the loaded table (the hosts set read back into its mirror).
        var adopt = Stopwatch.StartNew();
        using (var second = new AllowListEnforcer(NftConnection.OpenIn(lab.Gateway), settings, NullLogger.Instance))
        {
            second.Start();
            adopt.Stop();
            rows.Add(["kernel: adopt the loaded table (restart: the hosts set read back)", count, Ms(adopt.Elapsed.TotalMilliseconds), second.ElementCount == n ? "" : "MISMATCH", ""]);
        }

        // A restart that applies its state file (as the gateway's start does): the hosts set is not read back but made
        // anew with the saved list's hosts in the snapshot's one batch.
        var restart = Stopwatch.StartNew();
        using (var third = new AllowListEnforcer(NftConnection.OpenIn(lab.Gateway), settings, NullLogger.Instance))
        {
            third.Start(deferHosts: true);
            var started = restart.Elapsed.TotalMilliseconds;
            var restored = third.Apply(same);
            restart.Stop();
            var remade = third.LastApply;
            var held = restored.Committed && !third.HostsDeferred && third.ElementCount == n;
            rows.Add(["kernel: restart with the state file: Start(deferHosts) + Apply(saved)", count, Ms(restart.Elapsed.TotalMilliseconds), held ? Ratio(restart.Elapsed.TotalMilliseconds, floor) : "MISMATCH", ""]);
            rows.Add(["  Start(deferHosts): layout and the other sets read, hosts not", count, Ms(started), "", ""]);
            rows.Add(["  Apply(saved): list's hosts + seen sets read (diff), encode, kernel, mirror", count,
                $"{Ms(remade.Diff.TotalMilliseconds)}, {Ms(remade.Encode.TotalMilliseconds)}, {Ms(remade.Kernel.TotalMilliseconds)}, {Ms(remade.Mirror.TotalMilliseconds)}", "", ""]);
        }

        // The state file the gateway writes after a snapshot.
        var file = new StateFile(Path.Combine(Path.GetTempPath(), $"og-bench-state-{Environment.ProcessId}"));
        try
        {
            var write = Stopwatch.StartNew();
            file.Write(list);
            write.Stop();
            var read = Stopwatch.StartNew();
            var back = file.Read();
            read.Stop();
            rows.Add([$"state file: write ({new FileInfo(file.Path).Length / 1048576.0:0.0} MiB, fsync)", count, Ms(write.Elapsed.TotalMilliseconds), "", ""]);
            rows.Add(["state file: read back (checked)", count, Ms(read.Elapsed.TotalMilliseconds), back?.Count == list.Count ? "" : "MISMATCH", ""]);
        }
        finally
        {
            File.Delete(file.Path);
        }

        GC.KeepAlive(same);
        var managed = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        rows.Add(["memory: managed heap (list + enforcer mirror held)", count, $"{managed:0} MiB", "", ""]);
        rows.Add(["memory: bench process RSS (peak so far)", count, $"{RssMiB("VmRSS"):0} MiB ({RssMiB("VmHWM"):0})", "", ""]);
        GC.KeepAlive(list);
        return rows;
    }

    private static double Floor(BenchLab lab, EnforcerSettings settings, byte[] keys, NftSet[] sets)
    {
        Delete(lab);
        using (var enforcer = new AllowListEnforcer(NftConnection.OpenIn(lab.Gateway), settings, NullLogger.Instance))
        {
            enforcer.Start();
        }

        if (keys.Length == 0)
        {
            return 0;
        }

        using var nft = NftConnection.OpenIn(lab.Gateway);
        var watch = Stopwatch.StartNew();
        using var batch = nft.BeginBatch();
        foreach (var set in sets)
        {
            batch.AddKeys(set, keys);
        }

        batch.Commit();
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>The floor into a hosts set made without a size (hint and cap), as before sized hosts sets.</summary>
    private static double UnsizedFloor(BenchLab lab, EnforcerSettings settings, byte[] keys)
    {
        Floor(lab, settings, [], [FamilyLayout.V4.Hosts]);
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllText(script, $$"""
                flush chain inet {{TableLayout.TableName}} {{TableLayout.ForwardChain}}
                flush chain inet {{TableLayout.TableName}} {{TableLayout.OutboundChain(FamilyLayout.V4)}}
                flush chain inet {{TableLayout.TableName}} {{TableLayout.RepliesChain(FamilyLayout.V4)}}
                delete set inet {{TableLayout.TableName}} hosts4
                add set inet {{TableLayout.TableName}} hosts4 { type ipv4_addr; }
                """);
            BenchLab.In(lab.Gateway, "nft", "-f", script);
        }
        finally
        {
            File.Delete(script);
        }

        using var nft = NftConnection.OpenIn(lab.Gateway);
        var watch = Stopwatch.StartNew();
        using var batch = nft.BeginBatch();
        batch.AddKeys(FamilyLayout.V4.Hosts, keys);
        batch.Commit();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static void Delete(BenchLab lab) =>
        BenchLab.Try("ip", "netns", "exec", lab.Gateway, "nft", "delete", "table", "inet", TableLayout.TableName);

    private static double RssMiB(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private static string Ratio(double ms, double floor) => (ms / floor).ToString("0.00", CultureInfo.InvariantCulture) + " of floor";
}
