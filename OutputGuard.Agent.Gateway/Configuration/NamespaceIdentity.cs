using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>
/// Names a network namespace by its inode (<c>net:[4026532178]</c>), the same whether a gateway runs inside it
/// (<c>ip netns exec</c>) or enters it with <c>--netns</c>, so that both contend for one lock.
/// </summary>
public static class NamespaceIdentity
{
    /// <summary>The path of a named namespace.</summary>
    public static string PathOf(string netns) => Path.Combine("/var/run/netns", netns);

    /// <summary>Whether the named namespace exists.</summary>
    public static bool Exists(string netns) => File.Exists(PathOf(netns));

    /// <summary><c>net-4026532178</c> for the namespace <paramref name="netns"/> (null: the process's own).</summary>
    public static string Of(string? netns)
    {
        var link = netns is null
            ? new FileInfo("/proc/self/ns/net").LinkTarget
            : NetworkNamespace.Run(netns, () => new FileInfo("/proc/thread-self/ns/net").LinkTarget);
        var digits = new string((link ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        return digits.Length > 0 ? "net-" + digits : throw new IOException($"cannot tell the network namespace from '{link}'");
    }

    /// <summary>A sysctl of the namespace (<c>net/ipv4/ip_forward</c>), read from inside it; null when it cannot be read.</summary>
    public static string? Sysctl(string? netns, string name)
    {
        string? Read()
        {
            try
            {
                return File.ReadAllText(Path.Combine("/proc/sys", name)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        return netns is null ? Read() : NetworkNamespace.Run(netns, Read);
    }
}
