namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// Where the time of one apply went: comparing with what the kernel holds (and compiling CIDR and port elements),
/// encoding the batch, the kernel's work (the send of one transaction and its acknowledgement), and bringing the
/// mirror up to date. What the benchmark prints, so a slow apply shows whether it is ours or the kernel's.
/// </summary>
/// <param name="Diff">Compiling and comparing.</param>
/// <param name="Encode">Building the netlink batch.</param>
/// <param name="Kernel">Sending the batch and waiting for the kernel's answer.</param>
/// <param name="Mirror">Recording what was applied.</param>
/// <param name="BatchBytes">The batch's size (0: none sent).</param>
/// <param name="Committed">Whether a batch was sent.</param>
public sealed record ApplyPhases(TimeSpan Diff, TimeSpan Encode, TimeSpan Kernel, TimeSpan Mirror, int BatchBytes, bool Committed)
{
    /// <summary>Nothing applied yet.</summary>
    public static ApplyPhases None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 0, false);
}
