using System.Diagnostics;
using System.Reflection;

namespace OutputGuard.Agent.Route.Tests.Support;

/// <summary>
/// The agent as it ships: published NativeAOT once per test run into a temporary folder (about a minute on
/// 2 cores), in its own artifacts folder so it never touches the build the tests run from. Set
/// <c>OG_ROUTE_AGENT=/path/to/outputguard-route</c> to test a binary published already (e.g. by the Publish
/// target), or <c>OG_ROUTE_AGENT_BUILD=framework</c> to use the framework-dependent build beside the tests.
/// </summary>
public static class AgentBinary
{
    private static readonly Lazy<Task<string>> Published = new(() => Task.Run(Publish));

    /// <summary>The path of the agent executable.</summary>
    public static Task<string> PathAsync() => Published.Value;

    /// <summary>"NativeAOT", "framework-dependent" or "given", for test output.</summary>
    public static string Kind =>
        Environment.GetEnvironmentVariable("OG_ROUTE_AGENT") is { Length: > 0 } ? "given"
        : Environment.GetEnvironmentVariable("OG_ROUTE_AGENT_BUILD") == "framework" ? "framework-dependent"
        : "NativeAOT";

    private static string Publish()
    {
        if (Environment.GetEnvironmentVariable("OG_ROUTE_AGENT") is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : throw new FileNotFoundException($"OG_ROUTE_AGENT={given} does not exist");
        }

        if (Kind == "framework-dependent")
        {
            return Path.Combine(AppContext.BaseDirectory, "outputguard-route");
        }

        var root = typeof(AgentBinary).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;
        RemoveStale();
        var work = Path.Combine(Path.GetTempPath(), "og-route-agent-" + Guid.NewGuid().ToString("N")[..8]);
        var output = Path.Combine(work, "publish");

        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        foreach (var a in new[]
        {
            "publish", Path.Combine(root, "OutputGuard.Agent.Route", "OutputGuard.Agent.Route.csproj"),
            "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", output, "-nodeReuse:false", "-v:q",
        })
        {
            psi.ArgumentList.Add(a);
        }

        // A build of its own: never the folder the running tests were built into.
        psi.Environment["OG_ARTIFACTS"] = Path.Combine(work, "artifacts");
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "VSTEST_HOST_DEBUG").ToList())
        {
            psi.Environment.Remove(key);
        }

        var watch = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(true);
            throw new TimeoutException("dotnet publish (NativeAOT) of the route agent took more than 10 minutes");
        }

        var published = Path.Combine(output, "outputguard-route");
        if (p.ExitCode != 0 || !File.Exists(published))
        {
            TryDelete(work);
            throw new InvalidOperationException($"dotnet publish of the route agent failed ({p.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }

        // Keep the executable only (the build folder is ~90 MB); the test host may be ended before any
        // exit handler runs, so a later run removes binaries left by runs that ended hours ago.
        var path = work + ".bin";
        File.Copy(published, path);
        TryDelete(work);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        PublishTime = watch.Elapsed;
        return path;
    }

    /// <summary>How long the NativeAOT publish took in this run (null when none was made).</summary>
    public static TimeSpan? PublishTime { get; private set; }

    private static void RemoveStale()
    {
        foreach (var file in Directory.EnumerateFiles(Path.GetTempPath(), "og-route-agent-*.bin"))
        {
            if (File.GetLastWriteTimeUtc(file) < DateTime.UtcNow.AddHours(-3))
            {
                File.Delete(file);
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
