using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Batch;

/// <summary>One entry of a batch as the caller gave it (not validated yet).</summary>
/// <param name="Value">A domain, IP or CIDR.</param>
/// <param name="Ports">Port rules; empty means every port.</param>
/// <param name="Note">Free text.</param>
/// <param name="Undeletable">Whether the entry can never be deleted (admin only).</param>
public sealed record BatchItem(string? Value, IReadOnlyList<string> Ports, string? Note, bool Undeletable);

/// <summary>What happened to one item of a batch.</summary>
/// <param name="Entry">The created or identical existing entry; null when refused.</param>
/// <param name="Created">Whether this batch created it.</param>
/// <param name="Refusal">Why it was refused (null when it was not).</param>
/// <param name="Error">The refusal's message, naming the item (<c>entries[3].value: …</c>).</param>
public sealed record BatchItemResult(Entry? Entry, bool Created, RejectionReason? Refusal, string? Error);

/// <summary>The outcome of a batch: one result per item, in order, and the revision after it.</summary>
/// <param name="Items">Per item.</param>
/// <param name="Revision">The revision after the batch (it made at most one).</param>
public sealed record BatchResult(IReadOnlyList<BatchItemResult> Items, long Revision);
