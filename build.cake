// OutputGuard build script: `dotnet tool restore && dotnet cake --target=<Target>`.
//   Build    compile everything (warnings are errors)
//   Test     run every test project; prints "N passed, N failed, N skipped" (default target)
//   Publish  self-contained binaries under artifacts/publish (route agent: NativeAOT)
//   Bench    run the benchmarks under bench/ and print their tables
//   Run      run the control plane on its embedded SQLite store (ports 8080 and 8081)
#nullable enable
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var filter = Argument("filter", "");
var solution = "./OutputGuard.sln";
var results = MakeAbsolute(Directory("./artifacts/test-results"));

Task("Build").Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test").IsDependentOn("Build").Does(() =>
{
    CleanDirectory(results);
    var failedProjects = new List<string>();
    var settings = new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Loggers = new[] { "trx", "console;verbosity=normal" },
        ResultsDirectory = results,
        Filter = string.IsNullOrEmpty(filter) ? null : filter,
    };
    try
    {
        DotNetTest(solution, settings);
    }
    catch (Exception e)
    {
        failedProjects.Add(e.Message);
    }

    long passed = 0, failed = 0, skipped = 0;
    foreach (var trx in GetFiles($"{results}/**/*.trx"))
    {
        var doc = XDocument.Load(trx.FullPath);
        var counters = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters is null)
        {
            continue;
        }

        long Read(string name) => long.TryParse((string?)counters.Attribute(name), out var v) ? v : 0;
        passed += Read("passed");
        failed += Read("failed") + Read("error") + Read("timeout") + Read("aborted");
        skipped += Read("notExecuted");
        foreach (var result in doc.Descendants().Where(e => e.Name.LocalName == "UnitTestResult" && (string?)e.Attribute("outcome") == "Failed"))
        {
            Information($"FAILED: {(string?)result.Attribute("testName")}");
        }
    }

    // Plain text, not Information(): the CI reads this line and must not see colour codes.
    Console.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
    if (failed > 0 || failedProjects.Count > 0 || passed == 0)
    {
        throw new Exception(failedProjects.Count > 0 && failed == 0
            ? $"a test run failed without failed tests (crash or build problem): {string.Join("; ", failedProjects)}"
            : "tests failed");
    }
});

Task("Publish").Does(() =>
{
    var output = MakeAbsolute(Directory("./artifacts/publish"));
    DotNetPublish("./OutputGuard.ControlPlane/OutputGuard.ControlPlane.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        OutputDirectory = output.Combine("control-plane"),
    });
    DotNetPublish("./OutputGuard.Agent.Gateway/OutputGuard.Agent.Gateway.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        OutputDirectory = output.Combine("gateway"),
    });
    DotNetPublish("./OutputGuard.Agent.Route/OutputGuard.Agent.Route.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        Runtime = "linux-x64",
        OutputDirectory = output.Combine("route"),
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PublishAot", "true"),
    });
});

Task("Bench").Does(() =>
{
    foreach (var project in GetFiles("./bench/**/*.csproj"))
    {
        DotNetRun(project.FullPath, new DotNetRunSettings { Configuration = "Release" });
    }
});

Task("Run").Does(() =>
{
    DotNetRun("./OutputGuard.ControlPlane/OutputGuard.ControlPlane.csproj", new ProcessArgumentBuilder().Append("--data-dir").Append("outputguard-data"),
        new DotNetRunSettings { Configuration = configuration });
});

RunTarget(target);
