using OutputGuard.ControlPlane.Api;

namespace OutputGuard.ControlPlane.Auth;

/// <summary>
/// The gateway ids a gateway token may claim: its own name by default, or the ids of its <c>gateway_ids</c>
/// list, where an entry ending in <c>*</c> stands for every id with that prefix. So one gateway's token
/// cannot open another gateway's stream, replace it, or write its registry row.
/// </summary>
public sealed class GatewayScope
{
    private readonly string[] _exact;
    private readonly string[] _prefixes;

    /// <summary>Creates the scope of token <paramref name="tokenName"/> with its configured <paramref name="gatewayIds"/>.</summary>
    public GatewayScope(string tokenName, IReadOnlyCollection<string>? gatewayIds)
    {
        ArgumentNullException.ThrowIfNull(tokenName);
        var ids = gatewayIds is { Count: > 0 } ? gatewayIds : [tokenName];
        _exact = ids.Where(i => !i.EndsWith('*')).ToArray();
        _prefixes = ids.Where(i => i.EndsWith('*')).Select(i => i[..^1]).ToArray();
        Description = string.Join(", ", ids);
    }

    /// <summary>The ids and prefixes as configured, for messages.</summary>
    public string Description { get; }

    /// <summary>Whether the token may claim <paramref name="gatewayId"/>.</summary>
    public bool Allows(string gatewayId) =>
        _exact.Contains(gatewayId, StringComparer.Ordinal) || _prefixes.Any(p => gatewayId.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Whether <paramref name="id"/> is a gateway id: 1 to <see cref="InputLimits.MaxGatewayId"/> printable ASCII characters.</summary>
    public static bool IsValidId(string? id) => InputLimits.IsPrintableAscii(id, InputLimits.MaxGatewayId);

    /// <summary>Whether <paramref name="pattern"/> is an id, or a prefix ending in one <c>*</c> (a lone <c>*</c> allows every id).</summary>
    public static bool IsValidPattern(string? pattern) =>
        IsValidId(pattern) && pattern!.IndexOf('*', StringComparison.Ordinal) is var star && (star < 0 || star == pattern.Length - 1);
}
