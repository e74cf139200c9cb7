using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Interop;

/// <summary>Owns a netlink socket file descriptor and closes it exactly once.</summary>
internal sealed class SafeNetlinkHandle : SafeHandle
{
    /// <summary>Creates an empty (invalid) handle; used by the marshaller.</summary>
    public SafeNetlinkHandle()
        : base(-1, ownsHandle: true)
    {
    }

    internal SafeNetlinkHandle(int fd)
        : base(-1, ownsHandle: true) => SetHandle(fd);

    /// <inheritdoc />
    public override bool IsInvalid => handle < 0;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Libc.Close(handle) == 0;
}
