using Grpc.Core;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>The control plane answered the sync stream with a status instead of accepting it (a refused token, role or Hello).</summary>
public sealed class StreamRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StreamRejectedException(string address, Status status, Exception? inner)
        : base($"the control plane {address} rejected the stream ({status.StatusCode}: {status.Detail})", inner)
    {
        Address = address;
        Status = status;
    }

    /// <summary>Creates the exception.</summary>
    public StreamRejectedException()
        : this(string.Empty, Status.DefaultCancelled, null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StreamRejectedException(string message)
        : base(message)
    {
        Address = string.Empty;
        Status = Status.DefaultCancelled;
    }

    /// <summary>Creates the exception.</summary>
    public StreamRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Address = string.Empty;
        Status = Status.DefaultCancelled;
    }

    /// <summary>The control plane's address.</summary>
    public string Address { get; }

    /// <summary>The status it answered with.</summary>
    public Status Status { get; }
}
