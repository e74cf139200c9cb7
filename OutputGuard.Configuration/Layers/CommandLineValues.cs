using System.CommandLine;
using OutputGuard.Configuration.Values;

namespace OutputGuard.Configuration.Layers;

/// <summary>What the flags say.</summary>
/// <param name="Values">The settings the flags give, by key.</param>
/// <param name="ConfigFile">The path given with <c>--config</c>, or null.</param>
/// <param name="Action">Set when the command line asks for help, the version or completions instead of a run.</param>
public sealed record CommandLineValues(IReadOnlyDictionary<string, LayerValue> Values, string? ConfigFile, ParseResult? Action);
