using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.State;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Sync;

/// <summary>The sync stream's message for one revision's changes, built once per change and shared read-only by every stream.</summary>
public static class RevisionMessages
{
    /// <summary>
    /// The delta of <paramref name="change"/>: every destination it adds and removes, in one message (one batch at the
    /// gateway), and the destinations whose entries changed; added and renamed ones carry their domain entries' names.
    /// </summary>
    public static ControlMessage Delta(RevisionChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var delta = new Delta { Revision = change.Revision };
        delta.Add.Capacity = change.Added.Count;
        var names = new EntryNameTable(delta.EntryNames);
        delta.Add.AddRange(change.Added.Select(d => names.Name(d.ToProto(), change.Entries.GetValueOrDefault(d))));
        delta.Renamed.AddRange(change.Renamed.Select(d => names.Name(d.ToProto(), change.Entries.GetValueOrDefault(d))));
        delta.Remove.AddRange(change.Removed.Select(d => d.ToProto()));
        return new ControlMessage { Delta = delta };
    }
}
