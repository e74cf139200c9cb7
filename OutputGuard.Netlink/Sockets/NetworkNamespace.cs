using OutputGuard.Netlink.Interop;

namespace OutputGuard.Netlink.Sockets;

/// <summary>
/// Runs a small piece of work (creating a socket) inside a named network namespace on a dedicated thread:
/// the thread enters <c>/var/run/netns/NAME</c> with setns(2), does the work, and returns to its own
/// namespace. The rest of the process never moves. A socket keeps the namespace it was created in, so
/// callers use this to open any socket (netlink, TCP, UDP) in another namespace.
/// </summary>
public static class NetworkNamespace
{
    internal const string RunDirectory = "/var/run/netns";

    /// <summary>The path of a named namespace, or the path itself when it is absolute (/proc/PID/ns/net).</summary>
    internal static string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.StartsWith('/'))
        {
            return name;
        }

        if (name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a network namespace name.", nameof(name));
        }

        return Path.Combine(RunDirectory, name);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a short-lived thread inside the namespace <paramref name="name"/>
    /// (a name under /var/run/netns, or an absolute path such as /proc/PID/ns/net) and returns its result;
    /// an exception of the work, or of entering the namespace, is rethrown here.
    /// </summary>
    public static T Run<T>(string name, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var path = PathOf(name);
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(path);
                if (Libc.SetNs(target, Libc.CLONE_NEWNET) != 0)
                {
                    throw NetlinkException.FromLastError($"setns({path})");
                }

                try
                {
                    result = work();
                }
                finally
                {
                    // The thread ends right after this; failing to return only matters for diagnostics.
                    _ = Libc.SetNs(home, Libc.CLONE_NEWNET);
                }
            }
#pragma warning disable CA1031 // The exception is rethrown on the calling thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = ex;
            }
        })
        {
            IsBackground = true,
            Name = "netns " + name,
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return result!;
    }
}
