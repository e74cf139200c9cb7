namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>One control plane on SQLite shared by the tests of a class.</summary>
public sealed class SqliteServerFixture : IAsyncLifetime
{
    public ControlPlaneServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ControlPlaneServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
