using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OutputGuard.Agent.Route.Gateways;

/// <summary>
/// Creates TCP sockets inside a named network namespace: a short-lived thread enters
/// /var/run/netns/NAME with setns(2), creates the socket and returns. The socket keeps that namespace; the
/// process never moves.
/// </summary>
internal static partial class NamespacedSockets
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>A TCP socket in <paramref name="netns"/>, or in the caller's namespace when it is null.</summary>
    public static Socket Tcp(AddressFamily family, string? netns)
    {
        if (netns is null)
        {
            return new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        }

        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(Path.Combine("/var/run/netns", netns));
                if (SetNs(target, CloneNewNet) != 0)
                {
                    throw new IOException($"setns(/var/run/netns/{netns}) failed: errno {Marshal.GetLastPInvokeError()}");
                }

                try
                {
                    socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
                }
                finally
                {
                    _ = SetNs(home, CloneNewNet);
                }
            }
#pragma warning disable CA1031 // Rethrown on the calling thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = ex;
            }
        })
        {
            IsBackground = true,
            Name = "netns " + netns,
        };
        thread.Start();
        thread.Join();
        return socket ?? throw new IOException($"cannot create a socket in namespace {netns}", failure);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(SafeFileHandle fd, int nstype);
}
