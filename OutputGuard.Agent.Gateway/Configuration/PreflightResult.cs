namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>What the start's checks found: the problems, whether the kernel can be changed, and the lock.</summary>
public sealed class PreflightResult : IDisposable
{
    /// <summary>Each problem, naming its key and the fix; empty when the start can go on.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>True when this process may change the table: capability, namespace, lock and nf_tables are there.</summary>
    public bool KernelReachable { get; set; }

    /// <summary>The namespace's identity (<c>net-INODE</c>), once known.</summary>
    public string? NamespaceId { get; set; }

    /// <summary>The table's lock, held by this process; null when another holds it or it was not reached.</summary>
    public TableLock? Lock { get; set; }

    /// <inheritdoc />
    public void Dispose() => Lock?.Dispose();
}
