namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>Waits for a condition with a deadline: tests wait for events, never for time.</summary>
public static class Eventually
{
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

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0.#} s; last value: {last}");
    }

    public static Task True(Func<Task<bool>> probe, TimeSpan timeout, string what) => Until(probe, b => b, timeout, what);

    public static Task True(Func<bool> probe, TimeSpan timeout, string what) => Until(() => Task.FromResult(probe()), b => b, timeout, what);
}
