namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>What a verification of the table found and whether it was repaired.</summary>
/// <param name="Findings">Each difference from what the gateway applied, in words ("the table is missing").</param>
/// <param name="Repaired">Whether a batch that undid them was committed.</param>
public sealed record DriftReport(IReadOnlyList<string> Findings, bool Repaired)
{
    /// <summary>Nothing found.</summary>
    public static DriftReport Clean { get; } = new([], false);

    /// <summary>Whether the kernel held anything other than what was applied.</summary>
    public bool Drifted => Findings.Count > 0;
}
