namespace OutputGuard.ControlPlane.Entries;

/// <summary>Why a change was refused.</summary>
public enum RejectionReason
{
    /// <summary>The input is malformed or not allowed (an internal address, a bad port rule, ...).</summary>
    Invalid,

    /// <summary>An entry with the same value and another definition exists.</summary>
    AlreadyExists,

    /// <summary>No such entry.</summary>
    NotFound,

    /// <summary>The entry is undeletable.</summary>
    Undeletable,

    /// <summary>The caller's role does not allow it.</summary>
    PermissionDenied,
}

/// <summary>A refused change, with a message that names the problem; nothing was written.</summary>
public sealed class EntryRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EntryRejectedException(RejectionReason reason, string message)
        : base(message) => Reason = reason;

    /// <summary>Creates the exception.</summary>
    public EntryRejectedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public EntryRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EntryRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why.</summary>
    public RejectionReason Reason { get; }
}
