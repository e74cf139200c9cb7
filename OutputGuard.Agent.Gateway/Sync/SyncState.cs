namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>The sync client's state, as the <c>outputguard_sync_state</c> metric reports it.</summary>
public enum SyncState
{
    /// <summary>Not connected (starting, or waiting to retry).</summary>
    Disconnected = 0,

    /// <summary>Connecting.</summary>
    Connecting = 1,

    /// <summary>Connected and following the control plane.</summary>
    Connected = 2,
}
