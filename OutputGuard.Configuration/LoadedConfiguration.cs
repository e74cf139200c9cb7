namespace OutputGuard.Configuration;

/// <summary>
/// The outcome of <see cref="ConfigurationPipeline.Load{T}"/>: the bound and validated options; or the problems
/// that stop the program (exit 2); or a request that was answered already (help, version, completion: exit 0).
/// </summary>
/// <typeparam name="T">The options class.</typeparam>
public sealed class LoadedConfiguration<T>
    where T : class
{
    internal LoadedConfiguration(T? options, IReadOnlyList<ConfigurationProblem> problems, int? answered, ConfigurationSources sources)
    {
        Options = options;
        Problems = problems;
        AnsweredWith = answered;
        Sources = sources;
    }

    /// <summary>The options, bound once and validated; null when there are problems or the request was answered.</summary>
    public T? Options { get; }

    /// <summary>What is wrong, each naming its key and layer.</summary>
    public IReadOnlyList<ConfigurationProblem> Problems { get; }

    /// <summary>The exit code when help, the version or a completion was printed instead of a run; else null.</summary>
    public int? AnsweredWith { get; }

    /// <summary>The merged values and where each came from (also when there are problems).</summary>
    public ConfigurationSources Sources { get; }
}
