using System.Runtime.CompilerServices;

namespace OutputGuard.Testing;

/// <summary>The folder that holds OutputGuard.sln.</summary>
public static class RepositoryRoot
{
    /// <summary>
    /// The folder the build recorded (assembly metadata <c>RepositoryRoot</c>), else the first folder holding
    /// OutputGuard.sln above the assembly, the working directory, or (when the build output lives outside the
    /// repository, e.g. OG_ARTIFACTS=/tmp/...) this source file.
    /// </summary>
    public static string Find([CallerFilePath] string sourceFile = "")
    {
        if (Artifacts.Metadata("RepositoryRoot") is { } recorded && File.Exists(Path.Combine(recorded, "OutputGuard.sln")))
        {
            return Path.TrimEndingDirectorySeparator(recorded);
        }

        string?[] starts = [AppContext.BaseDirectory, Environment.CurrentDirectory, Path.GetDirectoryName(sourceFile)];
        foreach (var start in starts.Where(s => !string.IsNullOrEmpty(s) && Directory.Exists(s)))
        {
            for (var dir = new DirectoryInfo(start!); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OutputGuard.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No folder above {string.Join(", ", starts)} holds OutputGuard.sln");
    }
}
