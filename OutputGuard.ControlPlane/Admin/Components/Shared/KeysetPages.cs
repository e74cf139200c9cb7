namespace OutputGuard.ControlPlane.Admin.Components.Shared;

/// <summary>
/// Paging by key, as the store lists (entries after an id, audit events before one): the key the shown page starts
/// from, and the starts of the pages before it, so that "previous" needs no offset and stays fast on any table size.
/// </summary>
public sealed class KeysetPages
{
    private readonly List<long> _starts = [];

    /// <summary>The key the shown page starts from (0: the first page).</summary>
    public long Current { get; private set; }

    /// <summary>Whether there is a page before the shown one.</summary>
    public bool HasPrevious => _starts.Count > 0;

    /// <summary>Back to the first page.</summary>
    public void Reset()
    {
        _starts.Clear();
        Current = 0;
    }

    /// <summary>To the page after the shown one, whose last row has key <paramref name="lastKey"/>.</summary>
    public void Next(long lastKey)
    {
        _starts.Add(Current);
        Current = lastKey;
    }

    /// <summary>To the page before the shown one; false when it is the first.</summary>
    public bool Previous()
    {
        if (_starts.Count == 0)
        {
            return false;
        }

        Current = _starts[^1];
        _starts.RemoveAt(_starts.Count - 1);
        return true;
    }
}
