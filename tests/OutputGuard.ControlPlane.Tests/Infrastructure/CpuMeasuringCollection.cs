namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>
/// Test classes that measure CPU time of the control plane and of the shared MariaDB server: they run alone, after the
/// parallel classes, so that no other class's queries (a 5,000-entry batch, a reconnect storm) show up as their work.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuMeasuringCollection
{
    /// <summary>The collection's name, for <c>[Collection]</c>.</summary>
    public const string Name = "measures CPU time";
}
