using Microsoft.Extensions.Configuration;
using OutputGuard.Configuration.Schema;

namespace OutputGuard.Configuration.Tests;

/// <summary>An options class with every kind of setting the pipeline knows.</summary>
public sealed class SampleOptions
{
    [Setting("a text", ValueName = "HOST:PORT")]
    public string Address { get; set; } = "0.0.0.0:80";

    [Setting("a boolean")]
    public bool Observe { get; set; }

    [Setting("a number")]
    public int ReportIntervalMs { get; set; } = 1000;

    [Setting("an unsigned number")]
    public uint Table { get; set; } = 254;

    [Setting("a list", Flag = "--internal", Aliases = ["--internal-ranges", "-old-internal"], ValueName = "CIDR")]
    public List<string> InternalRanges { get; set; } = [];

    [Setting("a secret", Secret = true)]
    public string? Password { get; set; } = "hunter-default";

    [Setting("objects")]
    [ConfigurationKeyName("tokens")]
    public List<SampleToken> Tokens { get; set; } = [];

    public string Computed => Address + "!";
}
