namespace OutputGuard.ControlPlane.Store;

/// <summary>The outcome of creating several entries in one transaction.</summary>
/// <param name="Items">Per item, in order: Created, AlreadyIdentical (stored, or earlier in the batch) or Conflict.</param>
/// <param name="Revision">The revision after the batch (it made at most one).</param>
/// <param name="Written">Whether anything was written (false when nothing was new, or an all-or-nothing batch had a conflict).</param>
public sealed record BatchWriteResult(IReadOnlyList<EntryWriteResult> Items, long Revision, bool Written);
