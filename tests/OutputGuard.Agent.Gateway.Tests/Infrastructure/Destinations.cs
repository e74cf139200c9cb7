using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Sync;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>Destinations and enforcer settings for in-process tests, spelled as the state file spells them.</summary>
public static class Destinations
{
    /// <summary>The lab's enforcer settings: the documentation ranges are public.</summary>
    public static EnforcerSettings LabSettings { get; } = new()
    {
        Internal = InternalRanges.Create([], Lab.TreatAsPublic.Split(',').Select(IpPrefix.Parse)),
    };

    /// <summary><c>PREFIX</c> or <c>PREFIX PROTO FROM TO</c>.</summary>
    public static Destination D(string text) =>
        StateFile.TryParseLine(text, out var d) ? d : throw new ArgumentException(text, nameof(text));
}
