using System.Globalization;
using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Sockets;

/// <summary>
/// The kernel refused a request (<c>NLMSG_ERROR</c> with a negative errno) or a socket call failed.
/// Carries the errno, its symbolic name, the request's message type and the kernel's extended-ACK text.
/// </summary>
public sealed class NetlinkException : Exception
{
    /// <summary>Creates an exception for an errno.</summary>
    public NetlinkException(Errno errno, string request, string? kernelMessage = null, int? attributeOffset = null)
        : base(Format(errno, request, kernelMessage, attributeOffset))
    {
        Errno = errno;
        Request = request;
        KernelMessage = kernelMessage;
        AttributeOffset = attributeOffset;
    }

    /// <summary>Creates an exception with a message.</summary>
    public NetlinkException()
        : this(default, "unknown")
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

    /// <summary>The errno (<see cref="Errno.ENOENT"/>; its value is the kernel's, 2).</summary>
    public Errno Errno { get; }

    /// <summary>The symbolic errno name ("ENOENT"), or "E#n" for a value without a name here.</summary>
    public string ErrnoName => NameOf(Errno);

    /// <summary>The request that failed, e.g. "NFT_MSG_NEWSETELEM" or "socket()".</summary>
    public string Request { get; }

    /// <summary>The kernel's extended-ACK message (NLMSGERR_ATTR_MSG), when it sent one.</summary>
    public string? KernelMessage { get; }

    /// <summary>The byte offset of the offending attribute in the request (NLMSGERR_ATTR_OFFS), if given.</summary>
    public int? AttributeOffset { get; }

    internal static NetlinkException FromLastError(string call)
    {
        var errno = (Errno)Marshal.GetLastPInvokeError();
        return new NetlinkException(errno, call);
    }

    private static string NameOf(Errno errno) =>
        Enum.GetName(errno) ?? "E#" + ((int)errno).ToString(CultureInfo.InvariantCulture);

    private static string Format(Errno errno, string request, string? kernelMessage, int? offset)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{request} failed: {NameOf(errno)} ({Marshal.GetPInvokeErrorMessage((int)errno)})");
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
