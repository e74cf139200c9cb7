namespace OutputGuard.ControlPlane.Resolver;

/// <summary>Whether a resolved address is in the last answer or only kept for its grace period.</summary>
public enum ResolvedAddressState
{
    /// <summary>The last successful lookup returned it.</summary>
    Live = 1,

    /// <summary>It vanished from DNS and stays allowed until its last sighting plus the grace period.</summary>
    InGrace = 2,
}
