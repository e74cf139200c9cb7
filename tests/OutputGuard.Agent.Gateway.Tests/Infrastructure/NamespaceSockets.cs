using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>Creates sockets inside a named network namespace: a dedicated thread enters it with setns(2).</summary>
public static partial class NamespaceSockets
{
    private const int CLONE_NEWNET = 0x40000000;

    public static Socket Create(string netns, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var target = File.OpenHandle($"/var/run/netns/{netns}");
                if (SetNs(target.DangerousGetHandle().ToInt32(), CLONE_NEWNET) != 0)
                {
                    throw new InvalidOperationException($"setns({netns}) failed: {Marshal.GetLastPInvokeError()}");
                }

                socket = new Socket(family, type, protocol);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw failure!;
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
