namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>The spelling of a control-plane store id as the gateway accepts it (from the wire and the state file).</summary>
public static class StoreIds
{
    /// <summary>The longest id accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="id"/> is 1 to 64 characters of letters, digits, '.', '_' and '-'.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
