namespace OutputGuard.Agent.Route.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes; never a sleep as an assertion.</summary>
public static class Eventually
{
    public static async Task True(Func<bool> probe, TimeSpan within, Func<string> what, int pollMilliseconds = 50)
    {
        var deadline = DateTime.UtcNow + within;
        while (!probe())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {within}: {what()}");
            }

            await Task.Delay(pollMilliseconds);
        }
    }
}
