using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Hosting;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(ControlPlaneConfiguration.Usage);
    return 0;
}

ControlPlaneOptions options;
try
{
    options = ControlPlaneConfiguration.Load(args);
}
catch (ConfigurationException e)
{
    await Console.Error.WriteLineAsync($"outputguard-control-plane: configuration error: {e.Message}");
    return 2;
}

WebApplication app;
string? createdToken;
try
{
    (app, createdToken) = await ControlPlaneHost.BuildAsync(options);
}
catch (ConfigurationException e)
{
    await Console.Error.WriteLineAsync($"outputguard-control-plane: configuration error: {e.Message}");
    return 2;
}

if (createdToken is not null)
{
    Console.WriteLine($"""
        No tokens are configured, so an admin token was created. It is shown only now; only its SHA-256 is stored:

            {createdToken}

        Use it as 'authorization: Bearer <token>'. Configure `tokens:` to replace it.
        """);
}

await app.StartAsync();
var listeners = app.Services.GetRequiredService<Listeners>();
Console.WriteLine($"outputguard-control-plane: ready; http {listeners.HttpUri} grpc {listeners.GrpcUri}");
await app.WaitForShutdownAsync();
return 0;
