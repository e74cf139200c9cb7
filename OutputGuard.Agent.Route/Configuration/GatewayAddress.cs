using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Agent.Route.Configuration;

/// <summary>
/// A gateway as given on the command line: an address, and for an IPv6 link-local address the interface
/// it lives on (<c>fe80::1%eth0</c>), resolved in the agent's namespace rather than the process's.
/// </summary>
/// <param name="Address">The gateway address, without a scope.</param>
/// <param name="InterfaceName">The interface after '%', or null.</param>
public sealed record GatewayAddress(IPAddress Address, string? InterfaceName = null)
{
    /// <summary>The address family.</summary>
    public AddressFamily Family => Address.AddressFamily;

    /// <summary>Parses "10.0.0.2", "2001:db8::2" or "fe80::2%eth0"; false with a reason otherwise.</summary>
    public static bool TryParse(string text, out GatewayAddress? gateway, out string? error)
    {
        gateway = null;
        error = null;
        var percent = text.IndexOf('%', StringComparison.Ordinal);
        var addressText = percent < 0 ? text : text[..percent];
        var iface = percent < 0 ? null : text[(percent + 1)..];
        if (!IPAddress.TryParse(addressText, out var address)
            || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || addressText.Count(c => c == '.') is not (0 or 3))
        {
            error = $"'{text}' is not an IP address";
            return false;
        }

        if (iface is { Length: 0 })
        {
            error = $"'{text}' has an empty interface name after '%'";
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        gateway = new GatewayAddress(address, iface);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => InterfaceName is null ? Address.ToString() : $"{Address}%{InterfaceName}";
}
