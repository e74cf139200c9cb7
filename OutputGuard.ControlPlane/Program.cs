using OutputGuard.Configuration.Startup;
using OutputGuard.ControlPlane.Hosting;

if (args is [OutputGuard.ControlPlane.Legacy.Import.LegacyImportCommand.Name, .. var importArgs])
{
    return await OutputGuard.ControlPlane.Legacy.Import.LegacyImportCommand.RunAsync(importArgs, ProcessEnvironment.Variables(), Console.Out, Console.Error);
}

// The control plane. Start-up is all-or-nothing: the configuration (exit 2), then the checks (ports free, store
// reachable: exit 1), and only then the store's migrations, the listeners and the resolver (ControlPlaneStartup);
// the services themselves are ControlPlaneServices.AddControlPlaneServices.
var startup = ControlPlaneStartup.Prepare(args);
return startup.ExitCode ?? await startup.RunAsync();
