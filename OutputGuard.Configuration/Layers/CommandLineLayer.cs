using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using OutputGuard.Configuration.Schema;
using OutputGuard.Configuration.Values;

namespace OutputGuard.Configuration.Layers;

/// <summary>
/// The flags, parsed by System.CommandLine: one option per setting (a list flag repeats and takes
/// comma-separated values; a boolean is <c>--flag</c>, <c>--flag=true</c> or <c>--flag false</c>), plus
/// <c>--config</c>, <c>--help</c> (every flag with its key and variable), <c>--version</c> and
/// <c>--completion bash</c> (a completion script that asks the program through System.CommandLine's
/// <c>[suggest]</c> directive).
/// </summary>
public sealed class CommandLineLayer
{
    private const int HelpWidth = 110;
    private readonly ProgramDefinition _program;
    private readonly Dictionary<Option, SettingDefinition> _settings = [];
    private readonly Option<string> _config;
    private readonly Option<string> _completion;

    /// <summary>Builds the command for <paramref name="program"/>.</summary>
    public CommandLineLayer(ProgramDefinition program)
    {
        _program = program ?? throw new ArgumentNullException(nameof(program));
        Root = new RootCommand(program.Summary);
        foreach (var directive in Root.Directives.Where(d => d is not SuggestDirective).ToList())
        {
            Root.Directives.Remove(directive);
        }

        _config = new Option<string>("--config", [.. program.ConfigAliases])
        {
            Description = "the YAML configuration file; every key below can be set in it (env OUTPUTGUARD_CONFIG)",
            HelpName = "FILE",
        };
        Root.Options.Add(_config);
        foreach (var setting in program.Schema.Settings.Where(s => s.Flag is not null))
        {
            Option option = setting.Kind switch
            {
                SettingKind.Boolean => new Option<bool>(setting.Flag!, [.. setting.Aliases]) { Arity = ArgumentArity.ZeroOrOne },
                SettingKind.List => new Option<string[]>(setting.Flag!, [.. setting.Aliases]) { Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false },
                _ => new Option<string>(setting.Flag!, [.. setting.Aliases]),
            };
            option.Description = Describe(setting);
            if (setting.Kind != SettingKind.Boolean)
            {
                option.HelpName = setting.ValueName;
            }

            _settings[option] = setting;
            Root.Options.Add(option);
        }

        _completion = new Option<string>("--completion")
        {
            Description = "print a shell completion script (bash) and exit: source <(" + program.Name + " --completion bash)",
            HelpName = "SHELL",
            Action = new CompletionScriptAction(program.Name),
        };
        Root.Options.Add(_completion);
        var version = Root.Options.OfType<VersionOption>().Single();
        version.Action = new TextAction(program.VersionLine);
        var help = Root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithNotesAction(new HelpAction { MaxWidth = HelpWidth }, Layers(program));
    }

    /// <summary>The command.</summary>
    public RootCommand Root { get; }

    /// <summary>
    /// Parses <paramref name="args"/>. <see cref="CommandLineValues.Action"/> is set when the command line asks for
    /// help, the version or completions rather than a run.
    /// </summary>
    public CommandLineValues Parse(IReadOnlyList<string> args, List<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(problems);
        var result = Root.Parse(args, new ParserConfiguration { EnablePosixBundling = false, ResponseFileTokenReplacer = null });
        if (result.Action is not null and not ParseErrorAction)
        {
            return new CommandLineValues(new Dictionary<string, LayerValue>(), null, result);
        }

        var unmatched = result.UnmatchedTokens;
        for (var i = 0; i < unmatched.Count; i++)
        {
            // The value after an unknown flag is not a second problem.
            if (i > 0 && !unmatched[i].StartsWith('-') && unmatched[i - 1].StartsWith('-') && !unmatched[i - 1].Contains('=', StringComparison.Ordinal)
                && IsAdjacent(args, unmatched[i - 1], unmatched[i]))
            {
                continue;
            }

            problems.Add(Unmatched(unmatched[i], args));
        }

        foreach (var error in result.Errors)
        {
            var option = (error.SymbolResult as OptionResult) ?? (error.SymbolResult?.Parent as OptionResult);
            if (option is not null && _settings.TryGetValue(option.Option, out var setting))
            {
                problems.Add(new ConfigurationProblem(setting.Key, ValueOrigin.Flag(option.IdentifierToken?.Value ?? setting.Flag!), Explain(error, option, setting)));
            }
            else if (option is not null)
            {
                problems.Add(new ConfigurationProblem(option.IdentifierToken?.Value ?? option.Option.Name, null, error.Message));
            }
            else if (result.UnmatchedTokens.Count == 0)
            {
                problems.Add(new ConfigurationProblem(null, null, error.Message));
            }
        }

        var values = new Dictionary<string, LayerValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (option, setting) in _settings)
        {
            if (result.GetResult(option) is not OptionResult { Implicit: false } found)
            {
                continue;
            }

            var origin = ValueOrigin.Flag(found.IdentifierToken?.Value ?? setting.Flag!);
            var texts = found.Tokens.Where(t => t.Type == TokenType.Argument).Select(t => t.Value).ToList();
            values[setting.Key] = setting.Kind switch
            {
                SettingKind.List => LayerValue.List(
                    [.. texts.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(v => LayerValue.Scalar(v, origin))],
                    origin),
                SettingKind.Boolean => LayerValue.Scalar(texts.Count == 0 ? "true" : texts[^1], origin),
                _ => LayerValue.Scalar(texts.Count == 0 ? string.Empty : texts[^1], origin),
            };
        }

        var config = result.GetResult(_config) is OptionResult { Implicit: false, Tokens.Count: > 0 } c ? c.Tokens[^1].Value : null;
        return new CommandLineValues(values, config, null);
    }

    private static bool IsAdjacent(IReadOnlyList<string> args, string first, string second)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == first && args[i + 1] == second)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(SettingDefinition setting)
    {
        var where = $"key {setting.Key}, env {setting.EnvironmentVariable}";
        var fallback = setting.DefaultText is { } d && !setting.Secret && !(setting.Kind == SettingKind.Boolean && d == "false") ? $"; default {d}" : string.Empty;
        var list = setting.Kind == SettingKind.List ? "; repeat or separate with commas" : string.Empty;
        return $"{setting.Description} [{where}{fallback}{list}]";
    }

    private static string Layers(ProgramDefinition program)
    {
        var fileOnly = program.Schema.Settings.Where(s => s.Flag is null).Select(s => s.Key).ToList();
        var lines = new List<string>
        {
            "Configuration:",
            "  Every setting is read from, in rising precedence: the YAML file (--config FILE), the environment",
            "  (OUTPUTGUARD_<KEY>, lists comma-separated), the flags. A list from a higher layer replaces the lower",
            "  one's. Unknown keys and OUTPUTGUARD_* variables, and bad values, are refused naming the key and its layer.",
            "  Booleans: --flag, --flag=true, --flag false; true or false in the file and the environment.",
        };
        if (fileOnly.Count > 0)
        {
            lines.Add($"  Only in the file: {string.Join(", ", fileOnly)}.");
        }

        if (program.Notes.Length > 0)
        {
            lines.Add(string.Empty);
            lines.Add(program.Notes);
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Explain(ParseError error, OptionResult option, SettingDefinition setting)
    {
        var value = option.Tokens.Count > 0 ? option.Tokens[^1].Value : null;
        if (setting.Kind == SettingKind.Boolean && value is not null)
        {
            return $"'{value}' is not true or false";
        }

        if (option.IdentifierTokenCount > 1 && setting.Kind is not SettingKind.List)
        {
            return "is given more than once; give it once";
        }

        if (option.Tokens.Count == 0)
        {
            return $"needs a value: {setting.Flag} {setting.ValueName}";
        }

        return error.Message;
    }

    private ConfigurationProblem Unmatched(string token, IReadOnlyList<string> args)
    {
        // A boolean flag leaves a value that is not true or false unconsumed: name the flag, not the stray word.
        for (var i = 0; i < args.Count; i++)
        {
            var flagName = args[i] == token && i > 0 ? args[i - 1]
                : args[i].EndsWith("=" + token, StringComparison.Ordinal) || args[i].EndsWith(":" + token, StringComparison.Ordinal) ? args[i][..^(token.Length + 1)]
                : null;
            if (flagName is not null && _settings.Values.FirstOrDefault(s => s.Kind == SettingKind.Boolean && s.FlagNames.Contains(flagName)) is { } flag)
            {
                return new ConfigurationProblem(flag.Key, ValueOrigin.Flag(flagName), $"'{token}' is not true or false ({flag.Flag}, {flag.Flag}=true or {flag.Flag} false)");
            }
        }

        if (!token.StartsWith('-'))
        {
            return new ConfigurationProblem(null, null, $"'{token}': unexpected argument (values follow their flag: --flag VALUE or --flag=VALUE; see --help)");
        }

        var name = token.Split('=', ':')[0];
        var nearest = Spelling.Nearest(name.TrimStart('-'), Root.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Select(n => n[2..]));
        var hint = nearest is null ? "see --help" : $"did you mean --{nearest}?";
        return new ConfigurationProblem(null, null, $"'{token}': unknown flag; {hint}");
    }

    /// <summary>The standard help, then the notes on layers and precedence.</summary>
    private sealed class HelpWithNotesAction(HelpAction help, string notes) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            help.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(notes);
            return 0;
        }
    }

    /// <summary>Prints a fixed text (the version line) and exits 0.</summary>
    private sealed class TextAction(string text) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(text);
            return 0;
        }
    }
}
