namespace OutputGuard.Netlink.Sockets;

/// <summary>
/// Linux errno values (&lt;asm-generic/errno-base.h&gt;, &lt;asm-generic/errno.h&gt;) the kernel answers netlink
/// requests with, named as C names them. dotnet/runtime's <c>Interop.Error</c> is the model; the values here are
/// Linux's own, so <c>(int)Errno.ENOENT</c> is what the kernel sent.
/// </summary>
public enum Errno
{
    /// <summary>Operation not permitted.</summary>
    EPERM = 1,

    /// <summary>No such file or directory.</summary>
    ENOENT = 2,

    /// <summary>No such process (a route or object to delete is not there).</summary>
    ESRCH = 3,

    /// <summary>Interrupted system call.</summary>
    EINTR = 4,

    /// <summary>Input/output error.</summary>
    EIO = 5,

    /// <summary>No such device or address.</summary>
    ENXIO = 6,

    /// <summary>Argument list too long.</summary>
    E2BIG = 7,

    /// <summary>Bad file descriptor.</summary>
    EBADF = 9,

    /// <summary>Resource temporarily unavailable (nothing to read on a non-blocking socket).</summary>
    EAGAIN = 11,

    /// <summary>Cannot allocate memory.</summary>
    ENOMEM = 12,

    /// <summary>Permission denied.</summary>
    EACCES = 13,

    /// <summary>Bad address.</summary>
    EFAULT = 14,

    /// <summary>Device or resource busy.</summary>
    EBUSY = 16,

    /// <summary>File exists.</summary>
    EEXIST = 17,

    /// <summary>Invalid cross-device link.</summary>
    EXDEV = 18,

    /// <summary>No such device.</summary>
    ENODEV = 19,

    /// <summary>Not a directory.</summary>
    ENOTDIR = 20,

    /// <summary>Is a directory.</summary>
    EISDIR = 21,

    /// <summary>Invalid argument.</summary>
    EINVAL = 22,

    /// <summary>Too many open files in system.</summary>
    ENFILE = 23,

    /// <summary>Too many open files.</summary>
    EMFILE = 24,

    /// <summary>No space left on device.</summary>
    ENOSPC = 28,

    /// <summary>Numerical result out of range.</summary>
    ERANGE = 34,

    /// <summary>Resource deadlock avoided.</summary>
    EDEADLK = 35,

    /// <summary>File name too long.</summary>
    ENAMETOOLONG = 36,

    /// <summary>Function not implemented.</summary>
    ENOSYS = 38,

    /// <summary>Directory not empty.</summary>
    ENOTEMPTY = 39,

    /// <summary>Too many levels of symbolic links.</summary>
    ELOOP = 40,

    /// <summary>No message of desired type.</summary>
    ENOMSG = 42,

    /// <summary>No data available.</summary>
    ENODATA = 61,

    /// <summary>Timer expired.</summary>
    ETIME = 62,

    /// <summary>Protocol error.</summary>
    EPROTO = 71,

    /// <summary>Bad message.</summary>
    EBADMSG = 74,

    /// <summary>Value too large for defined data type.</summary>
    EOVERFLOW = 75,

    /// <summary>Message too long.</summary>
    EMSGSIZE = 90,

    /// <summary>Protocol not supported.</summary>
    EPROTONOSUPPORT = 93,

    /// <summary>Socket type not supported.</summary>
    ESOCKTNOSUPPORT = 94,

    /// <summary>Operation not supported.</summary>
    EOPNOTSUPP = 95,

    /// <summary>Address family not supported by protocol.</summary>
    EAFNOSUPPORT = 97,

    /// <summary>Address already in use.</summary>
    EADDRINUSE = 98,

    /// <summary>Cannot assign requested address.</summary>
    EADDRNOTAVAIL = 99,

    /// <summary>Network is down.</summary>
    ENETDOWN = 100,

    /// <summary>Network is unreachable.</summary>
    ENETUNREACH = 101,

    /// <summary>No buffer space available (a netlink socket overran).</summary>
    ENOBUFS = 105,

    /// <summary>Connection timed out.</summary>
    ETIMEDOUT = 110,

    /// <summary>Connection refused.</summary>
    ECONNREFUSED = 111,

    /// <summary>No route to host.</summary>
    EHOSTUNREACH = 113,

    /// <summary>Operation already in progress.</summary>
    EALREADY = 114,

    /// <summary>Operation now in progress.</summary>
    EINPROGRESS = 115,
}
