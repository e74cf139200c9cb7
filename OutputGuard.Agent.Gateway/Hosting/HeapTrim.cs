namespace OutputGuard.Agent.Gateway.Hosting;

/// <summary>
/// Gives the memory of large, rare work back to the system. Loading a snapshot of a million destinations allocates a
/// few hundred MB that live for seconds (the wire parts, the kernel batch, the state file's copy), and so does a
/// counter read of a million elements; the GC keeps what it committed for them, so without this the agent's RSS stays
/// at the peak for good. After such work, once at least <see cref="Threshold"/> was allocated since the last trim, one
/// blocking, compacting, aggressive collection (<see cref="GCCollectionMode.Aggressive"/>: free regions and the gen0
/// budget decommitted) brings the RSS back to what is live. Small changes never reach the threshold between two
/// calls; its callers call it at most once a second (the state-file writer after a write, the counter loop after a read).
/// </summary>
public sealed class HeapTrim
{
    /// <summary>Bytes allocated since the last trim that make the next apply trim.</summary>
    public const long Threshold = 64L * 1024 * 1024;

    private long _allocatedAtTrim = GC.GetTotalAllocatedBytes();

    /// <summary>Trims when the threshold was passed; returns whether it did.</summary>
    public bool AfterLargeWork()
    {
        if (GC.GetTotalAllocatedBytes() - _allocatedAtTrim < Threshold)
        {
            return false;
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _allocatedAtTrim = GC.GetTotalAllocatedBytes();
        return true;
    }
}
