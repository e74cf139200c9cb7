namespace OutputGuard.Testing;

/// <summary>
/// Waits for a condition with a deadline: tests wait for events, never for time. One copy, linked into every
/// test project by tests/Directory.Build.props.
/// </summary>
public static class Eventually
{
    /// <summary>Probes until <paramref name="done"/> holds for the value; returns it, or throws with the last value seen.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        do
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0.#} s; last value: {last}");
    }

    /// <summary>Probes until it returns true.</summary>
    public static Task True(Func<Task<bool>> probe, TimeSpan timeout, string what) => Until(probe, b => b, timeout, what);

    /// <summary>Probes until it returns true.</summary>
    public static Task True(Func<bool> probe, TimeSpan timeout, string what) => True(probe, timeout, () => what);

    /// <summary>Probes every <paramref name="pollMilliseconds"/> until it returns true; <paramref name="what"/> is read only on failure.</summary>
    public static async Task True(Func<bool> probe, TimeSpan timeout, Func<string> what, int pollMilliseconds = 50)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!probe())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what()} did not happen within {timeout.TotalSeconds:0.#} s");
            }

            await Task.Delay(pollMilliseconds);
        }
    }

    /// <summary>Probes until it returns a value (not null) and returns it.</summary>
    public static async Task<T> Get<T>(Func<T?> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0.#} s");
            }

            await Task.Delay(50);
        }
    }
}
