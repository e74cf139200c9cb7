using System.Runtime.CompilerServices;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>The folder that holds OutputGuard.sln, found from the test assembly, the working directory, or this source file.</summary>
public static class RepositoryRoot
{
    /// <summary>
    /// Walks up from the test assembly, the working directory, or (when the build output lives outside the
    /// repository, e.g. OG_ARTIFACTS=/tmp/...) this source file, to the folder holding OutputGuard.sln.
    /// </summary>
    public static string Find([CallerFilePath] string sourceFile = "")
    {
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
