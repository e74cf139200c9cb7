using OutputGuard.Configuration;
using OutputGuard.Configuration.Startup;
using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Hosting;

/// <summary>
/// The control plane's start, all-or-nothing: the configuration (exit 2), then the checks (ports free, store reachable:
/// exit 1), and only then the store's migrations, the listeners and the resolver; a failure from there on is a start
/// failure too (exit 1, or 2 for a refused certificate or key). Runs until stopped (exit 0).
/// </summary>
public sealed class ControlPlaneStartup
{
    private readonly StartupReport _report;
    private readonly LoadedConfiguration<ControlPlaneOptions> _loaded;

    private ControlPlaneStartup(StartupReport report, LoadedConfiguration<ControlPlaneOptions> loaded, int? exitCode)
    {
        _report = report;
        _loaded = loaded;
        ExitCode = exitCode;
    }

    /// <summary>The exit code when the configuration was refused (or help or the version was asked for); null to go on.</summary>
    public int? ExitCode { get; }

    /// <summary>Reads, binds once and validates the configuration.</summary>
    public static ControlPlaneStartup Prepare(string[] args)
    {
        var report = new StartupReport(ControlPlaneConfiguration.Program.Name, Console.Error);
        var loaded = ControlPlaneConfiguration.Load(args, ProcessEnvironment.Variables(), Console.Out);
        return new ControlPlaneStartup(report, loaded, report.ExitCodeFor(loaded));
    }

    /// <summary>Runs the checks, builds and starts the control plane, prints the ready line and runs until stopped.</summary>
    public async Task<int> RunAsync()
    {
        var options = _loaded.Options!;
        WebApplication app;
        string? createdToken;
        try
        {
            await StartupChecks.RunAsync(options);
            (app, createdToken) = await ControlPlaneHost.BuildAsync(options);
        }
        catch (ConfigurationException e)
        {
            return _report.ConfigurationFailed([ConfigurationProblem.FromFailure(e.Message, ControlPlaneConfiguration.Program.Schema, _loaded.Sources)]);
        }
        catch (Exception e)
        {
            return _report.StartFailed(StartupChecks.Describe(options, e));
        }

        if (createdToken is not null)
        {
            Console.WriteLine($"""
                No tokens are configured, so an admin token was created. It is shown only now; only its SHA-256 is stored:

                    {createdToken}

                Use it as 'authorization: Bearer <token>'. Configure `tokens:` to replace it.
                """);
        }

        try
        {
            await app.StartAsync();
        }
        catch (Exception e)
        {
            return _report.StartFailed(StartupChecks.Describe(options, e));
        }

        var listeners = app.Services.GetRequiredService<Listeners>();
        Console.WriteLine($"outputguard-control-plane: ready; http {listeners.HttpUri} grpc {listeners.GrpcUri}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
