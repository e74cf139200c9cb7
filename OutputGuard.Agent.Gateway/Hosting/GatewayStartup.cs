using System.Globalization;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Configuration.Startup;
using OutputGuard.Configuration.Values;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Gateway.Hosting;

/// <summary>
/// The gateway's start before any host exists, all-or-nothing: the configuration (exit 2), then every check of
/// <see cref="Preflight"/> (exit 1) — each failure leaving the host closed (<see cref="FailClosed"/>) — or the
/// <c>--cleanup</c> run. What passed (the options, the table's lock) is what the host is built from; the table itself
/// is created by the host's first start step (<see cref="FailClosedStart"/>), and a failure from there to the
/// listener is a start failure too (exit 1).
/// </summary>
public sealed class GatewayStartup : IDisposable
{
    private readonly StartupReport _report;
    private readonly PreflightResult? _preflight;

    private GatewayStartup(StartupReport report, GatewayOptions? options, PreflightResult? preflight, int? exitCode)
    {
        _report = report;
        _preflight = preflight;
        Options = options!;
        ExitCode = exitCode;
        Settings = preflight is null ? null! : new EnforcerSettings
        {
            Observe = options!.Observe,
            Internal = InternalRanges.Create(GatewayOptionsValidator.ParsePrefixes(options.InternalRanges), GatewayOptionsValidator.ParsePrefixes(options.TreatAsPublic)),
            Clients = GatewayOptionsValidator.ParsePrefixes(options.ClientRanges),
            DnsRedirect = Dns.DnsProxySettings.From(options).RedirectTargets,
            Owner = string.Create(CultureInfo.InvariantCulture, $"owner outputguard-gateway pid {Environment.ProcessId} (lock {preflight.Lock!.Path})"),
        };
    }

    /// <summary>The exit code when the program ends here (a refused configuration, a failed check, a cleanup run); null to go on.</summary>
    public int? ExitCode { get; }

    /// <summary>The validated options (when <see cref="ExitCode"/> is null).</summary>
    public GatewayOptions Options { get; }

    /// <summary>What the enforcer needs besides the allow-list, with this process named as the table's owner.</summary>
    public EnforcerSettings Settings { get; }

    /// <summary>Reads the configuration and runs every check (or the cleanup); the result holds the table's lock until disposed.</summary>
    public static GatewayStartup Prepare(string[] args)
    {
        var report = new StartupReport(GatewayConfiguration.Program.Name, Console.Error);
        var loaded = GatewayConfiguration.Load(args, ProcessEnvironment.Variables(), Console.Out);
        if (report.ExitCodeFor(loaded) is { } exit)
        {
            if (exit == ExitCodes.Configuration && ValueChecks.Boolean(loaded.Sources.RawText("cleanup") ?? "false") != true)
            {
                FailClosed.AfterConfigurationError(loaded.Sources.RawText("netns"), Console.Out);
            }

            return new GatewayStartup(report, null, null, exit);
        }

        var options = loaded.Options!;
        var preflight = Preflight.Run(options);
        if (preflight.Problems.Count > 0)
        {
            var code = report.StartFailed(string.Join("; ", preflight.Problems));
            if (preflight.KernelReachable && !options.Cleanup)
            {
                FailClosed.Install(options.Netns, "start failed", Console.Out);
            }

            preflight.Dispose();
            return new GatewayStartup(report, options, null, code);
        }

        if (options.Cleanup)
        {
            using (preflight)
            {
                using var nft = Connect(options);
                Console.WriteLine(AllowListEnforcer.Cleanup(nft)
                    ? $"outputguard-gateway: removed the table inet {TableLayout.TableName}"
                    : $"outputguard-gateway: there was no table inet {TableLayout.TableName}");
            }

            return new GatewayStartup(report, options, null, 0);
        }

        return new GatewayStartup(report, options, preflight, null);
    }

    /// <summary>A connection to nf_tables in the gateway's namespace.</summary>
    public static NftConnection Connect(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Netns is null ? NftConnection.Open() : NftConnection.OpenIn(options.Netns);
    }

    /// <summary>Starts <paramref name="app"/> (a failure is a start failure, exit 1) and runs it until it is stopped (exit 0).</summary>
    public async Task<int> RunAsync(IHost app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (e is IOException or NetlinkException or InvalidOperationException)
        {
            return _report.StartFailed(e is IOException ? $"metrics_address {Options.MetricsAddress}: {e.Message}" : e.Message);
        }

        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <inheritdoc />
    public void Dispose() => _preflight?.Dispose();
}
