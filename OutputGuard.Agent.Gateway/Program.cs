using OutputGuard.Agent.Gateway.Hosting;

// The gateway agent: enforces the published allow-list in nf_tables, follows the control plane, exports counters.
// Start-up is all-or-nothing: the configuration (exit 2), then every check (exit 1), then the table, then the listener.
using var startup = GatewayStartup.Prepare(args);
if (startup.ExitCode is { } exit)
{
    return exit;
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.AddGatewayServices(startup);
var app = builder.Build();
app.MapGatewayEndpoints();
return await startup.RunAsync(app);
