using System.Globalization;
using System.Net.Sockets;
using OutputGuard.Agent.Route.Configuration;

namespace OutputGuard.Agent.Route.Planning;

/// <summary>Prints a plan the way <c>ip route</c> would show it once installed; touches no kernel state.</summary>
public static class DryRunPrinter
{
    /// <summary>Writes one line per route to <paramref name="output"/> and a summary to <paramref name="summary"/>.</summary>
    public static void Print(RoutePlan plan, RouteAgentOptions options, TextWriter output, TextWriter summary)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(summary);
        foreach (var (family, prefixes) in plan.Prefixes.OrderBy(p => p.Key))
        {
            var gateways = options.Gateways.Where(g => g.Family == family).ToList();
            var via = gateways.Count == 1
                ? $"via {gateways[0]}"
                : string.Join(' ', gateways.Select(g => $"nexthop via {g} weight 1"));
            foreach (var prefix in prefixes)
            {
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{prefix} proto {options.Protocol} metric {options.Metric} table {options.Table} {via}"));
            }

            summary.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"# {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")}: {prefixes.Count} routes via {string.Join(", ", gateways)} (dry run: nothing changed)"));
        }
    }
}
