using OutputGuard.Configuration.Startup;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Route.Diagnostics;

/// <summary>Whether the process may change routes (CAP_NET_ADMIN in its effective set).</summary>
public static class Capabilities
{
    /// <summary>CAP_NET_ADMIN's bit in /usr/include/linux/capability.h.</summary>
    public const int CapNetAdmin = ProcessCapabilities.NetAdmin;

    /// <summary>The sentence printed when the capability is missing.</summary>
    public const string MissingNetAdmin =
        "outputguard-route needs CAP_NET_ADMIN to change routes: run it as root, in a container with "
        + "securityContext.capabilities.add: [NET_ADMIN], or with AmbientCapabilities=CAP_NET_ADMIN in its systemd unit";

    /// <summary>
    /// Reads CapEff from /proc/self/status; null when the file cannot be read (then the kernel's answer decides).
    /// </summary>
    public static bool? HasNetAdmin(string statusPath = "/proc/self/status") => ProcessCapabilities.Has(CapNetAdmin, statusPath);

    /// <summary>Whether a kernel refusal means the agent lacks the capability (EPERM or EACCES).</summary>
    public static bool IsPermissionDenied(NetlinkException exception) => exception is { Errno: Errno.EPERM or Errno.EACCES };
}
