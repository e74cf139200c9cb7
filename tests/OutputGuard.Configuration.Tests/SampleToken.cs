using Microsoft.Extensions.Configuration;

namespace OutputGuard.Configuration.Tests;

/// <summary>An item of a list of objects, with a list of its own (as a token's gateway_ids).</summary>
public sealed class SampleToken
{
    [ConfigurationKeyName("name")]
    public string Name { get; set; } = string.Empty;

    [ConfigurationKeyName("count")]
    public int Count { get; set; }

    [ConfigurationKeyName("gateway_ids")]
    public List<string> GatewayIds { get; set; } = [];
}
