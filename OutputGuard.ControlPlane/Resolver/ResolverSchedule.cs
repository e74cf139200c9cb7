namespace OutputGuard.ControlPlane.Resolver;

/// <summary>
/// When each domain entry is due to be resolved again. Not thread-safe: the resolver loop owns it.
/// A queue ordered by due time with lazy deletion (a re-scheduled entry leaves its old slot behind).
/// </summary>
public sealed class ResolverSchedule
{
    private readonly Dictionary<long, Slot> _slots = [];
    private readonly PriorityQueue<long, DateTimeOffset> _queue = new();

    /// <summary>How many entries are scheduled.</summary>
    public int Count => _slots.Count;

    /// <summary>How many scheduled entries failed their last lookup (they are retried with a growing delay).</summary>
    public int Failing { get; private set; }

    /// <summary>The highest entry id scheduled so far (new entries have higher ids).</summary>
    public long MaxId { get; private set; }

    /// <summary>Whether <paramref name="entryId"/> is scheduled.</summary>
    public bool Contains(long entryId) => _slots.ContainsKey(entryId);

    /// <summary>Schedules (or re-schedules) an entry.</summary>
    public void Set(long entryId, string domain, DateTimeOffset due, int failures = 0)
    {
        if (_slots.TryGetValue(entryId, out var old) && old.Failures > 0)
        {
            Failing--;
        }

        if (failures > 0)
        {
            Failing++;
        }

        _slots[entryId] = new Slot(domain, due, failures);
        _queue.Enqueue(entryId, due);
        MaxId = Math.Max(MaxId, entryId);
    }

    /// <summary>The consecutive failures recorded for an entry.</summary>
    public int FailuresOf(long entryId) => _slots.TryGetValue(entryId, out var s) ? s.Failures : 0;

    /// <summary>Removes entries that no longer exist.</summary>
    public void RemoveAllExcept(IReadOnlySet<long> keep)
    {
        foreach (var id in _slots.Keys.Where(id => !keep.Contains(id)).ToList())
        {
            Remove(id);
        }
    }

    /// <summary>Removes one entry.</summary>
    public void Remove(long entryId)
    {
        if (_slots.Remove(entryId, out var slot) && slot.Failures > 0)
        {
            Failing--;
        }
    }

    /// <summary>The earliest due time, or null when nothing is scheduled.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            while (_queue.TryPeek(out var id, out var due))
            {
                if (_slots.TryGetValue(id, out var slot) && slot.Due == due)
                {
                    return due;
                }

                _queue.Dequeue();
            }

            return null;
        }
    }

    /// <summary>Takes up to <paramref name="max"/> entries due at <paramref name="now"/>; they stay known but unscheduled until <see cref="Set"/>.</summary>
    public List<(long EntryId, string Domain)> TakeDue(DateTimeOffset now, int max)
    {
        var taken = new List<(long, string)>();
        while (taken.Count < max && _queue.TryPeek(out var id, out var due) && due <= now)
        {
            _queue.Dequeue();
            if (_slots.TryGetValue(id, out var slot) && slot.Due == due)
            {
                _slots[id] = slot with { Due = DateTimeOffset.MaxValue };
                taken.Add((id, slot.Domain));
            }
        }

        return taken;
    }

    private readonly record struct Slot(string Domain, DateTimeOffset Due, int Failures);
}
