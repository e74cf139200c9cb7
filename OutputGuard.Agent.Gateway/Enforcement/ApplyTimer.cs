using System.Diagnostics;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>Takes the <see cref="ApplyPhases"/> of one apply, phase by phase.</summary>
internal sealed class ApplyTimer
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _diffed;
    private long _encoded;
    private long _sent;

    internal void Diffed() => _diffed = Stopwatch.GetTimestamp();

    internal void Encoded() => _encoded = Stopwatch.GetTimestamp();

    internal void Sent() => _sent = Stopwatch.GetTimestamp();

    internal ApplyPhases Done(int batchBytes, bool committed)
    {
        var now = Stopwatch.GetTimestamp();
        var diffed = _diffed == 0 ? now : _diffed;
        return committed
            ? new ApplyPhases(Stopwatch.GetElapsedTime(_start, diffed), Stopwatch.GetElapsedTime(diffed, _encoded), Stopwatch.GetElapsedTime(_encoded, _sent), Stopwatch.GetElapsedTime(_sent, now), batchBytes, true)
            : new ApplyPhases(Stopwatch.GetElapsedTime(_start, now), TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 0, false);
    }
}
