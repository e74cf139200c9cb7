namespace OutputGuard.Configuration.Startup;

/// <summary>Writes why a start failed, one line per problem, prefixed with the program's name; never a stack trace.</summary>
/// <param name="program">The program's name.</param>
/// <param name="error">Where the lines go (standard error).</param>
public sealed class StartupReport(string program, TextWriter error)
{
    /// <summary>
    /// The exit code when the program must not run on: the code of an answered request (help, version), or
    /// <see cref="ExitCodes.Configuration"/> after one line per problem; null when the options are ready.
    /// </summary>
    public int? ExitCodeFor<T>(LoadedConfiguration<T> loaded)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return loaded.AnsweredWith ?? (loaded.Options is null ? ConfigurationFailed(loaded.Problems) : null);
    }

    /// <summary>One line per configuration problem; returns <see cref="ExitCodes.Configuration"/>.</summary>
    public int ConfigurationFailed(IEnumerable<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var problem in problems)
        {
            error.WriteLine($"{program}: configuration error: {OneLine(problem.ToString())}");
        }

        return ExitCodes.Configuration;
    }

    /// <summary>One line for a runtime start failure; returns <see cref="ExitCodes.StartFailure"/>.</summary>
    public int StartFailed(string reason)
    {
        error.WriteLine($"{program}: cannot start: {OneLine(reason)}");
        return ExitCodes.StartFailure;
    }

    /// <summary>Folds a message onto one line.</summary>
    public static string OneLine(string text) =>
        string.Join(' ', (text ?? string.Empty).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
