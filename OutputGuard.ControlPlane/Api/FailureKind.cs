namespace OutputGuard.ControlPlane.Api;

/// <summary>What kind of failure a status reports, for the log.</summary>
public enum FailureKind
{
    /// <summary>The caller's fault or choice: refused input, a missing entry, a cancelled call.</summary>
    Refusal,

    /// <summary>The store or a dependency is unavailable; the call may succeed later.</summary>
    Outage,

    /// <summary>A fault of the program: logged with its exception, reported with a generic message.</summary>
    Unexpected,
}
