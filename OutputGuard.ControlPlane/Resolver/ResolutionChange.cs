using System.Net;

namespace OutputGuard.ControlPlane.Resolver;

/// <summary>What applying a lookup to an entry changed.</summary>
/// <param name="EntryExists">False when the entry is gone (deleted meanwhile); nothing was written.</param>
/// <param name="Added">Addresses that joined the entry's published addresses.</param>
/// <param name="Removed">Addresses that left them (grace period over).</param>
/// <param name="EnteredGrace">Addresses that vanished from DNS with this lookup.</param>
/// <param name="Revision">The revision after the change.</param>
/// <param name="RevisionChanged">Whether a new revision was made.</param>
/// <param name="PreviousError">The entry's last error before this lookup (to log state changes once).</param>
public sealed record ResolutionChange(
    bool EntryExists,
    IReadOnlyList<IPAddress> Added,
    IReadOnlyList<IPAddress> Removed,
    IReadOnlyList<IPAddress> EnteredGrace,
    long Revision,
    bool RevisionChanged,
    string PreviousError)
{
    /// <summary>The entry does not exist.</summary>
    public static ResolutionChange Gone(long revision) => new(false, [], [], [], revision, false, string.Empty);
}
