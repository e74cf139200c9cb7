namespace OutputGuard.ControlPlane.Resolver;

/// <summary>The embedded SQLite store has one process: it always leads.</summary>
public sealed class SingleProcessLease : IResolverLease
{
    /// <inheritdoc />
    public Task<ResolverLeadership> AcquireAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ResolverLeadership(() => ValueTask.CompletedTask));
}
