using OutputGuard.Configuration;
using OutputGuard.Configuration.Startup;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Hosting;

if (args is [OutputGuard.ControlPlane.Legacy.Import.LegacyImportCommand.Name, .. var importArgs])
{
    return await OutputGuard.ControlPlane.Legacy.Import.LegacyImportCommand.RunAsync(importArgs, ProcessEnvironment.Variables(), Console.Out, Console.Error);
}

// Start-up is all-or-nothing: the configuration (exit 2), then the checks (ports free, store reachable: exit 1),
// and only then the store's migrations, the listeners and the resolver.
var report = new StartupReport(ControlPlaneConfiguration.Program.Name, Console.Error);
var loaded = ControlPlaneConfiguration.Load(args, ProcessEnvironment.Variables(), Console.Out);
if (report.ExitCodeFor(loaded) is { } exit)
{
    return exit;
}

var options = loaded.Options!;

WebApplication app;
string? createdToken;
try
{
    await StartupChecks.RunAsync(options);
    (app, createdToken) = await ControlPlaneHost.BuildAsync(options);
}
catch (ConfigurationException e)
{
    return report.ConfigurationFailed([ConfigurationProblem.FromFailure(e.Message, ControlPlaneConfiguration.Program.Schema, loaded.Sources)]);
}
catch (Exception e)
{
    return report.StartFailed(StartupChecks.Describe(options, e));
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
    return report.StartFailed(StartupChecks.Describe(options, e));
}

var listeners = app.Services.GetRequiredService<Listeners>();
Console.WriteLine($"outputguard-control-plane: ready; http {listeners.HttpUri} grpc {listeners.GrpcUri}");
await app.WaitForShutdownAsync();
return 0;
