using System.Globalization;
using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Interop;

/// <summary>Linux errno values the library meets, with their symbolic names.</summary>
internal static class Errno
{
    internal const int EINTR = 4;
    internal const int EAGAIN = 11;
    internal const int ENOENT = 2;
    internal const int EEXIST = 17;
    internal const int EBUSY = 16;
    internal const int ENOBUFS = 105;

    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO", [7] = "E2BIG",
        [9] = "EBADF", [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [16] = "EBUSY",
        [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR", [22] = "EINVAL",
        [23] = "ENFILE", [24] = "EMFILE", [28] = "ENOSPC", [34] = "ERANGE", [35] = "EDEADLK",
        [36] = "ENAMETOOLONG", [38] = "ENOSYS", [39] = "ENOTEMPTY", [40] = "ELOOP", [42] = "ENOMSG",
        [61] = "ENODATA", [62] = "ETIME", [71] = "EPROTO", [74] = "EBADMSG", [75] = "EOVERFLOW",
        [90] = "EMSGSIZE", [93] = "EPROTONOSUPPORT", [94] = "ESOCKTNOSUPPORT", [95] = "EOPNOTSUPP",
        [97] = "EAFNOSUPPORT", [98] = "EADDRINUSE", [99] = "EADDRNOTAVAIL", [100] = "ENETDOWN",
        [101] = "ENETUNREACH", [105] = "ENOBUFS", [110] = "ETIMEDOUT", [111] = "ECONNREFUSED",
        [113] = "EHOSTUNREACH", [114] = "EALREADY", [115] = "EINPROGRESS",
    };

    /// <summary>The symbolic name of an errno ("ENOENT"), or "E#n" when unknown.</summary>
    internal static string Name(int errno) =>
        Names.TryGetValue(errno, out var name) ? name : "E#" + errno.ToString(CultureInfo.InvariantCulture);

    /// <summary>The C library's description of an errno.</summary>
    internal static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
