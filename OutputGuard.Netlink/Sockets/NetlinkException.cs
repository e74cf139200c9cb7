using System.Globalization;
using OutputGuard.Netlink.Interop;

namespace OutputGuard.Netlink.Sockets;

/// <summary>
/// The kernel refused a request (<c>NLMSG_ERROR</c> with a negative errno) or a socket call failed.
/// Carries the errno, its symbolic name, the request's message type and the kernel's extended-ACK text.
/// </summary>
public sealed class NetlinkException : Exception
{
    /// <summary>Creates an exception for an errno.</summary>
    public NetlinkException(int errno, string request, string? kernelMessage = null, int? attributeOffset = null)
        : base(Format(errno, request, kernelMessage, attributeOffset))
    {
        Errno = errno;
        Request = request;
        KernelMessage = kernelMessage;
        AttributeOffset = attributeOffset;
    }

    /// <summary>Creates an exception with a message.</summary>
    public NetlinkException()
        : this(0, "unknown")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public NetlinkException(string message)
        : base(message)
    {
        Request = "unknown";
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public NetlinkException(string message, Exception innerException)
        : base(message, innerException)
    {
        Request = "unknown";
    }

    /// <summary>The positive errno value (2 for ENOENT).</summary>
    public int Errno { get; }

    /// <summary>The symbolic errno name ("ENOENT").</summary>
    public string ErrnoName => Interop.Errno.Name(Errno);

    /// <summary>The request that failed, e.g. "NFT_MSG_NEWSETELEM" or "socket()".</summary>
    public string Request { get; }

    /// <summary>The kernel's extended-ACK message (NLMSGERR_ATTR_MSG), when it sent one.</summary>
    public string? KernelMessage { get; }

    /// <summary>The byte offset of the offending attribute in the request (NLMSGERR_ATTR_OFFS), if given.</summary>
    public int? AttributeOffset { get; }

    internal static NetlinkException FromLastError(string call)
    {
        var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return new NetlinkException(errno, call);
    }

    private static string Format(int errno, string request, string? kernelMessage, int? offset)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{request} failed: {Interop.Errno.Name(errno)} ({Interop.Errno.Describe(errno)})");
        if (!string.IsNullOrEmpty(kernelMessage))
        {
            text += ": " + kernelMessage;
        }

        if (offset is { } o)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" [attribute at offset {o}]");
        }

        return text;
    }
}
