namespace OutputGuard.Netlink.Routing;

/// <summary>What an event from a subscription says.</summary>
public enum RtnlUpdateKind
{
    /// <summary>RTM_NEW*: the object was added or changed.</summary>
    Added,

    /// <summary>RTM_DEL*: the object was removed.</summary>
    Deleted,

    /// <summary>The socket overran (ENOBUFS): events were lost; list the current state again.</summary>
    Lost,
}
