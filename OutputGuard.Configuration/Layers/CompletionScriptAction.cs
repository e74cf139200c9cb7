using System.CommandLine;
using System.CommandLine.Invocation;

namespace OutputGuard.Configuration.Layers;

/// <summary>
/// <c>--completion bash</c>: prints a bash completion function that asks the program itself for the words that fit,
/// through System.CommandLine's <c>[suggest:POSITION] "COMMAND LINE"</c> directive.
/// </summary>
/// <param name="program">The executable's name.</param>
internal sealed class CompletionScriptAction(string program) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var shell = parseResult.Tokens.Count > 0 ? parseResult.Tokens[^1].Value : null;
        var output = parseResult.InvocationConfiguration.Output;
        if (shell is not "bash")
        {
            parseResult.InvocationConfiguration.Error.WriteLine($"{program}: --completion: '{shell}' is not a supported shell; use bash");
            return 2;
        }

        var function = "_" + program.Replace('-', '_');
        output.WriteLine($$"""
            # bash completion for {{program}}: source <({{program}} --completion bash)
            {{function}}() {
              local IFS=$'\n'
              COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${#COMP_LINE}]" "$COMP_LINE" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
            }
            complete -o default -F {{function}} {{program}}
            """);
        return 0;
    }
}
