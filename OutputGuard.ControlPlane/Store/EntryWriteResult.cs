using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Store;

/// <summary>What a create, update or delete did.</summary>
public enum EntryWriteOutcome
{
    /// <summary>The entry was created.</summary>
    Created,

    /// <summary>An entry with the same definition existed; nothing was written.</summary>
    AlreadyIdentical,

    /// <summary>An entry with the same value but another definition exists; nothing was written.</summary>
    Conflict,

    /// <summary>The entry was changed in place.</summary>
    Updated,

    /// <summary>The entry was deleted.</summary>
    Deleted,

    /// <summary>No entry has that id; nothing was written.</summary>
    NotFound,

    /// <summary>The entry is undeletable (so it cannot be deleted, nor its ports changed); nothing was written.</summary>
    Undeletable,
}

/// <summary>The outcome of a create, update or delete.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Entry">The entry created, updated (as it is now), deleted, or found (identical, conflicting, undeletable); null for NotFound.</param>
/// <param name="Revision">The revision after the change (unchanged when the desired state did not change).</param>
public sealed record EntryWriteResult(EntryWriteOutcome Outcome, Entry? Entry, long Revision);
