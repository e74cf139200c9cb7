using System.Text.Json;
using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Readme;

/// <summary>
/// The API section of README.md, run as written and in order against a fresh control plane: its shell lines with
/// bash, its curl commands with the real curl, its grpcurl commands translated to the same calls over
/// Grpc.Net.Client (<see cref="GrpcurlCall"/>). The control plane is the program the README's <c>dotnet run</c> line
/// starts, with the same arguments, in a fresh directory; only its listen addresses (free ports instead of 8080 and
/// 8081) and its resolver's name server (a local dnsmasq, so that no query leaves the machine) come from the test.
/// </summary>
public sealed class ReadmeExamplesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("og-readme-").FullName;
    private readonly List<string> _prelude = [];
    private Dnsmasq _dns = null!;
    private ControlPlaneProcess? _controlPlane;

    public async Task InitializeAsync() => _dns = await Dnsmasq.StartAsync([("lab", "203.0.113.99")]);

    public async Task DisposeAsync()
    {
        if (_controlPlane is not null)
        {
            await _controlPlane.DisposeAsync();
        }

        await _dns.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Every_api_example_of_the_readme_runs_as_written_in_order()
    {
        var commands = ReadmeExamples.Commands(Path.Combine(RepositoryRoot.Find(), "README.md"), "## API");
        var outputs = new List<(ReadmeCommand Command, string Output)>();

        foreach (var command in commands)
        {
            var result = await RunAsync(command);
            output.WriteLine($"$ {command.Text}\n{result}");
            outputs.Add((command, result));
        }

        string Of(string fragment) => outputs.First(o => o.Command.Text.Contains(fragment, StringComparison.Ordinal)).Output;
        Assert.Contains(commands, c => c.Program == "grpcurl");
        Assert.Contains(commands, c => c.Program == "curl");
        Assert.Contains("outputguard.v1.EntryService", Of(" list"), StringComparison.Ordinal);
        Assert.Contains("\"name\": \"entries/1\"", Of("EntryService/CreateEntry"), StringComparison.Ordinal);
        Assert.Contains("\"name\":\"entries/2\"", Of("\"203.0.113.7\""), StringComparison.Ordinal);
        Assert.Contains("\"tcp/8443\"", Of("EntryService/UpdateEntry"), StringComparison.Ordinal);
        Assert.Contains("\"note\":\"payments API\"", Of("update_mask=note"), StringComparison.Ordinal);
        Assert.Contains("\"entry\"", Of("EntryService/ResolveEntry"), StringComparison.Ordinal);
        Assert.Contains("\"snapshot\"", Of("GatewaySync/Sync"), StringComparison.Ordinal);
        Assert.Contains("SERVING", Of("Health/Check"), StringComparison.Ordinal);
        Assert.Contains("Healthy", Of("/healthz"), StringComparison.Ordinal);
        Assert.Contains("outputguard_revision", Of("/metrics"), StringComparison.Ordinal);
    }

    /// <summary>Runs one README command and returns what it printed; fails the test, naming the command, when it fails.</summary>
    private async Task<string> RunAsync(ReadmeCommand command)
    {
        switch (command.Program)
        {
            case "dotnet":
                await StartControlPlaneAsync(command);
                return string.Empty;
            case "export":
            case var assignment when assignment.Contains('=', StringComparison.Ordinal):
                _prelude.Add(command.Text);
                return string.Empty;
            case "grpcurl":
                var (args, stdin) = await Bash.ExpandAsync(Prelude, Addressed(command.Text), _directory);
                try
                {
                    return await GrpcurlCall.Parse(args, stdin).RunAsync(TimeSpan.FromSeconds(20));
                }
                catch (RpcException e)
                {
                    Assert.Fail($"{command}\nfailed: {e.StatusCode} {e.Status.Detail}");
                    throw;
                }

            default:
                var (exit, stdout, stderr) = await Bash.RunAsync($"set -e\n{Prelude}\n{Addressed(command.Text)}", _directory);
                Assert.True(exit == 0, $"{command}\nexited with {exit}: {stderr}");
                Assert.False(IsErrorBody(stdout), $"{command}\nanswered an error: {stdout}");
                return stdout;
        }
    }

    private string Prelude => string.Join('\n', _prelude);

    /// <summary>Starts the built program with the arguments the README gives <c>dotnet run ... --</c>.</summary>
    private async Task StartControlPlaneAsync(ReadmeCommand command)
    {
        var (args, _) = await Bash.ExpandAsync(string.Empty, command.Text, _directory);
        var separator = args.ToList().IndexOf("--");
        Assert.True(separator >= 0 && args[0] == "run", $"{command}: expected 'dotnet run --project ... -- ARGS'");
        _controlPlane = await ControlPlaneProcess.StartInAsync(
            _directory,
            new Dictionary<string, string>
            {
                ["OUTPUTGUARD_HTTP_ADDRESS"] = "127.0.0.1:0",
                ["OUTPUTGUARD_GRPC_ADDRESS"] = "127.0.0.1:0",
                ["OUTPUTGUARD_RESOLVER_NAME_SERVERS"] = _dns.NameServer,
                ["OUTPUTGUARD_RESOLVER_TIMEOUT_MS"] = "500",
            },
            [.. args.Skip(separator + 1)]);
    }

    /// <summary>The command with the README's ports replaced by the test control plane's.</summary>
    private string Addressed(string text) => _controlPlane is null
        ? text
        : text
            .Replace("localhost:8080", _controlPlane.HttpUri.Authority, StringComparison.Ordinal)
            .Replace("localhost:8081", _controlPlane.GrpcUri.Authority, StringComparison.Ordinal);

    private static bool IsErrorBody(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("code", out _) && json.RootElement.TryGetProperty("details", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
