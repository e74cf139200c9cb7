namespace OutputGuard.Netlink.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<T?> probe, TimeSpan within, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {within}: {what}");
            }

            await Task.Delay(50);
        }
    }

    public static async Task True(Func<bool> probe, TimeSpan within, string what) =>
        await Get(() => probe() ? "ok" : null, within, what);
}
