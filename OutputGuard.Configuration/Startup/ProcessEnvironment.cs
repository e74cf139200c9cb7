using System.Collections;

namespace OutputGuard.Configuration.Startup;

/// <summary>The process's environment as the pipeline reads it.</summary>
public static class ProcessEnvironment
{
    /// <summary>Every variable of this process.</summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Variables()
    {
        var result = new List<KeyValuePair<string, string?>>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            result.Add(new((string)e.Key, (string?)e.Value));
        }

        return result;
    }
}
