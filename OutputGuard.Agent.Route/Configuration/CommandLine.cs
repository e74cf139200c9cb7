using System.Globalization;
using OutputGuard.Netlink.Addressing;

namespace OutputGuard.Agent.Route.Configuration;

/// <summary>
/// Reads the flags by hand (no reflection, so the NativeAOT image stays small). Flags take "--flag VALUE" or
/// "--flag=VALUE"; one leading dash works too, as in the system this replaces (<c>-iptables-gateway</c>). List
/// flags repeat or take comma-separated values. The environment supplies <c>OUTPUTGUARD_GATEWAY</c>,
/// <c>OUTPUTGUARD_INTERNAL_RANGES</c> and <c>OUTPUTGUARD_TREAT_AS_PUBLIC</c> (comma-separated) when no flag does.
/// </summary>
public static class CommandLine
{
    /// <summary>The usage text printed by --help and after a usage error.</summary>
    public const string Usage = """
        usage: outputguard-route --gateway ADDR [--gateway ADDR ...] [options]
          --gateway ADDR           gateway for the public ranges (repeat for ECMP); alias -iptables-gateway.
                                   An IPv6 gateway also routes the IPv6 public ranges (fe80::1%eth0 for link-local)
          --internal CIDR          extra internal range, never routed to the gateway (pod, service CIDRs)
          --treat-as-public CIDR   count a default-internal range as public (labs: 192.0.2.0/24)
          --interval DURATION      re-check without an event every DURATION (default 10s; 500ms, 30s, 2m)
          --cleanup                remove the agent's own routes and exit
          --cleanup-on-stop        remove the agent's own routes on SIGTERM/SIGINT
          --dry-run                print the routes it would install and change nothing
          --netns NAME             act inside /var/run/netns/NAME
          --protocol N             route protocol number of the agent's routes (default 197)
          --table N                routing table (default 254, main)
          --metric N               metric of the agent's routes (default 1024)
          --probe-port N           probe each gateway with a TCP connect to port N; a dead one leaves the set
          --probe-interval DURATION, --probe-failures N   (default 1s, 3)
          --verbose                also log re-checks that changed nothing
        """;

    /// <summary>Parses the arguments; on failure returns null and the problems, each naming its flag.</summary>
    public static RouteAgentOptions? Parse(
        IReadOnlyList<string> args, Func<string, string?> environment, out IReadOnlyList<string> errors, out bool help)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var problems = new List<string>();
        help = false;
        var options = new RouteAgentOptions();
        List<string> gateways = [], internalRanges = [], treatAsPublic = [];
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-" || arg == "--")
            {
                problems.Add($"'{arg}': unexpected argument");
                continue;
            }

            var name = arg.TrimStart('-');
            string? inline = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 < args.Count)
                {
                    return args[++i];
                }

                problems.Add($"--{name}: a value is required");
                return "";
            }

            switch (name)
            {
                case "h" or "help": help = true; break;
                case "gateway" or "iptables-gateway": gateways.Add(Value()); break;
                case "internal" or "internal-ranges": internalRanges.Add(Value()); break;
                case "treat-as-public": treatAsPublic.Add(Value()); break;
                case "interval": options = options with { Interval = Duration(name, Value(), problems) }; break;
                case "cleanup": options = options with { Cleanup = Flag(name, inline, problems) }; break;
                case "cleanup-on-stop": options = options with { CleanupOnStop = Flag(name, inline, problems) }; break;
                case "dry-run": options = options with { DryRun = Flag(name, inline, problems) }; break;
                case "verbose": options = options with { Verbose = Flag(name, inline, problems) }; break;
                case "netns": options = options with { Netns = NetnsName(Value(), problems) }; break;
                case "protocol": options = options with { Protocol = (byte)Number(name, Value(), 0, 255, problems) }; break;
                case "table": options = options with { Table = (uint)Number(name, Value(), 1, uint.MaxValue, problems) }; break;
                case "metric": options = options with { Metric = (uint)Number(name, Value(), 0, uint.MaxValue, problems) }; break;
                case "probe-port": options = options with { ProbePort = (int)Number(name, Value(), 1, 65535, problems) }; break;
                case "probe-interval": options = options with { ProbeInterval = Duration(name, Value(), problems) }; break;
                case "probe-failures": options = options with { ProbeFailures = (int)Number(name, Value(), 1, 100, problems) }; break;
                default: problems.Add($"'{arg}': unknown flag (see --help)"); break;
            }
        }

        Fallback(gateways, environment("OUTPUTGUARD_GATEWAY"));
        Fallback(internalRanges, environment("OUTPUTGUARD_INTERNAL_RANGES"));
        Fallback(treatAsPublic, environment("OUTPUTGUARD_TREAT_AS_PUBLIC"));
        options = options with
        {
            Gateways = Split(gateways).Select(g => GatewayAddress.TryParse(g, out var gw, out var e) ? gw! : Fail<GatewayAddress>("gateway", e!, problems)).OfType<GatewayAddress>().ToList(),
            Internal = Prefixes("internal", internalRanges, problems),
            TreatAsPublic = Prefixes("treat-as-public", treatAsPublic, problems),
        };
        if (!help)
        {
            problems.AddRange(options.Validate());
        }

        errors = problems;
        return problems.Count == 0 ? options : null;
    }

    /// <summary>Parses "500ms", "10s", "2m", "1h" or a bare number of seconds ("1.5").</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = default;
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value > 1e6)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * unit);
        return true;
    }

    private static IEnumerable<string> Split(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void Fallback(List<string> fromFlags, string? fromEnvironment)
    {
        if (fromFlags.Count == 0 && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            fromFlags.Add(fromEnvironment);
        }
    }

    private static List<IpPrefix> Prefixes(string flag, IEnumerable<string> values, List<string> problems) =>
        Split(values).Select(v => IpPrefix.TryParse(v, out var p, out var e) ? p : Fail<IpPrefix?>(flag, e, problems))
            .OfType<IpPrefix>().ToList();

    private static T? Fail<T>(string flag, string error, List<string> problems)
    {
        problems.Add($"--{flag}: {error}");
        return default;
    }

    private static bool Flag(string name, string? inline, List<string> problems)
    {
        switch (inline)
        {
            case null or "true": return true;
            case "false": return false;
            default:
                problems.Add($"--{name}: '{inline}' is not true or false");
                return false;
        }
    }

    private static long Number(string name, string text, long min, long max, List<string> problems)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (long.TryParse(hex ? text[2..] : text, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n >= min && n <= max)
        {
            return n;
        }

        problems.Add($"--{name}: '{text}' is not a number from {min} to {max}");
        return min;
    }

    private static TimeSpan Duration(string name, string text, List<string> problems)
    {
        if (TryParseDuration(text, out var d))
        {
            return d;
        }

        problems.Add($"--{name}: '{text}' is not a duration (500ms, 10s, 2m)");
        return TimeSpan.FromSeconds(1);
    }

    private static string? NetnsName(string text, List<string> problems)
    {
        if (text.Length == 0 || text.Contains('/', StringComparison.Ordinal) || text is "." or "..")
        {
            problems.Add($"--netns: '{text}' is not a namespace name (a file under /var/run/netns)");
            return null;
        }

        return text;
    }
}
