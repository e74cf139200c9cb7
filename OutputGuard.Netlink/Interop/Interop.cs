using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Interop;

/// <summary>The few libc calls the library makes; errno is captured with <c>SetLastError</c>.</summary>
internal static partial class Libc
{
    private const string LibraryName = "libc";

    internal const int AF_NETLINK = 16;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int SOL_SOCKET = 1;
    internal const int SOL_NETLINK = 270;
    internal const int SO_SNDBUF = 7;
    internal const int SO_RCVBUF = 8;
    internal const int SO_SNDBUFFORCE = 32;
    internal const int SO_RCVBUFFORCE = 33;
    internal const int NETLINK_ADD_MEMBERSHIP = 1;
    internal const int NETLINK_CAP_ACK = 10;
    internal const int NETLINK_EXT_ACK = 11;
    internal const int MSG_DONTWAIT = 0x40;
    internal const int MSG_TRUNC = 0x20;
    internal const int CLONE_NEWNET = 0x40000000;
    internal const short POLLIN = 0x1;

    /// <summary>struct sockaddr_nl.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct SockaddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint Pid;
        public uint Groups;
    }

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(LibraryName, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(LibraryName, EntryPoint = "bind", SetLastError = true)]
    internal static unsafe partial int Bind(SafeNetlinkHandle fd, SockaddrNl* addr, int addrlen);

    [LibraryImport(LibraryName, EntryPoint = "getsockname", SetLastError = true)]
    internal static unsafe partial int GetSockName(SafeNetlinkHandle fd, SockaddrNl* addr, int* addrlen);

    [LibraryImport(LibraryName, EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int SetSockOpt(SafeNetlinkHandle fd, int level, int name, void* value, int len);

    [LibraryImport(LibraryName, EntryPoint = "send", SetLastError = true)]
    internal static unsafe partial nint Send(SafeNetlinkHandle fd, byte* buffer, nuint length, int flags);

    [LibraryImport(LibraryName, EntryPoint = "recv", SetLastError = true)]
    internal static unsafe partial nint Recv(SafeNetlinkHandle fd, byte* buffer, nuint length, int flags);

    [LibraryImport(LibraryName, EntryPoint = "poll", SetLastError = true)]
    internal static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(nint fd);

    [LibraryImport(LibraryName, EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int nstype);
}
