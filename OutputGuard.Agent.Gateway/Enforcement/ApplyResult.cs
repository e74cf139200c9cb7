namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>What one apply did in the kernel.</summary>
/// <param name="Added">Entries added (an entry may be several kernel elements, counted once per set).</param>
/// <param name="Removed">Entries removed.</param>
/// <param name="Committed">Whether a batch was sent (false when the kernel already held the state).</param>
public readonly record struct ApplyResult(int Added, int Removed, bool Committed);
