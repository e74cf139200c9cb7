// OutputGuard build script: `dotnet tool restore && dotnet cake --target=<Target>`.
//   Build     compile everything (warnings are errors, XML documentation of the product projects included)
//   Test      build, publish what the tests start (the NativeAOT route agent), run every test project;
//             prints "N passed, N failed, N skipped" (default target)
//   UnitTest  build and run the fast tier only (trait Tier=Fast: no root, no servers, no namespaces, no child
//             processes); prints the same line
//   Format    check the formatting against .editorconfig (dotnet format --verify-no-changes)
//   Publish   self-contained binaries under artifacts/publish (route agent: NativeAOT)
//   Bench     run the benchmarks under bench/ and print their tables
//   Run       run the control plane on its embedded SQLite store (ports 8080 and 8081)
// --filter=EXPR narrows Test and UnitTest (dotnet test --filter syntax).
#nullable enable
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var filter = Argument("filter", "");
var solution = "./OutputGuard.sln";
// Build output goes to $OG_ARTIFACTS or ./artifacts (Directory.Build.props); the tests find what they start there.
var artifacts = MakeAbsolute(Directory(EnvironmentVariable("OG_ARTIFACTS") is { Length: > 0 } a ? a : "./artifacts"));
var results = artifacts.Combine("test-results");
// The trait of the fast tier (tests/Shared/Tiers.cs).
const string FastTier = "Tier=Fast";

Task("Build").Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

// The route agent as it ships, for the tests that run it: published once here, never inside a test.
Task("PublishRouteAgent").Does(() => PublishRouteAgent(artifacts.Combine("publish").Combine("route")));

Task("Test").IsDependentOn("Build").IsDependentOn("PublishRouteAgent").Does(() => RunTests(filter));

Task("UnitTest").IsDependentOn("Build").Does(() => RunTests(string.IsNullOrEmpty(filter) ? FastTier : $"({FastTier})&({filter})"));

Task("Format").Does(() =>
{
    var exit = StartProcess("dotnet", new ProcessSettings { Arguments = $"format {solution} --verify-no-changes --severity warn" });
    if (exit != 0)
    {
        throw new Exception("dotnet format --verify-no-changes found files to change: run `dotnet format` and commit the result");
    }
});

Task("Publish").Does(() =>
{
    var output = artifacts.Combine("publish");
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
    PublishRouteAgent(output.Combine("route"));
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

void PublishRouteAgent(DirectoryPath output)
{
    DotNetPublish("./OutputGuard.Agent.Route/OutputGuard.Agent.Route.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        Runtime = "linux-x64",
        OutputDirectory = output,
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PublishAot", "true"),
    });
}

// Runs the built test projects (narrowed by testFilter when given) and prints one line for all of them.
void RunTests(string? testFilter)
{
    CleanDirectory(results);
    var failedProjects = new List<string>();
    var settings = new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Loggers = new[] { "trx", "console;verbosity=normal" },
        ResultsDirectory = results,
        Filter = string.IsNullOrEmpty(testFilter) ? null : testFilter,
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
}
