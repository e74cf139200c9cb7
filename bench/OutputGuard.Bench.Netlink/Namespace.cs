using System.Diagnostics;

namespace OutputGuard.Bench.Netlink;

/// <summary>
/// A network namespace for one measurement, removed on dispose; the system tools this benchmark compares against
/// run in it through the tests' <see cref="Tool"/> (the library itself never starts a process).
/// </summary>
internal sealed class Namespace : IDisposable
{
    public Namespace() => Tool.Run("ip", "netns", "add", Name);

    public string Name { get; } = $"og-bench-{Guid.NewGuid():N}"[..20];

    public string Exec(params string[] args) => Tool.In(Name, args[0], args[1..]);

    public TimeSpan TimeExec(params string[] args)
    {
        var watch = Stopwatch.StartNew();
        Exec(args);
        return watch.Elapsed;
    }

    public void Dispose() => Tool.Run("ip", "netns", "del", Name);
}
