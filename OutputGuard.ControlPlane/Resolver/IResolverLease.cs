namespace OutputGuard.ControlPlane.Resolver;

/// <summary>Decides which replica runs the resolver: only the holder of the lease resolves.</summary>
public interface IResolverLease
{
    /// <summary>Waits until this replica holds the lease; the result is cancelled when it is lost and released when disposed.</summary>
    Task<ResolverLeadership> AcquireAsync(CancellationToken cancellationToken);
}
