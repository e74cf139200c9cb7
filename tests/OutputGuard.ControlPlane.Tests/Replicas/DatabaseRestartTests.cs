using System.Diagnostics;
using System.Runtime.CompilerServices;
using MySqlConnector;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.ControlPlane.Tests.Resolver;

namespace OutputGuard.ControlPlane.Tests.Replicas;

/// <summary>
/// The resolver on a private MariaDB (started with .ci/mariadb.sh in a temp directory) that the test
/// stops and starts again on the same port and data: the resolver loop backs off and resumes.
/// </summary>
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "og-dbrestart-" + Guid.NewGuid().ToString("N")[..12]);
    private string _script = null!;
    private string _serverConnectionString = null!;
    private Process? _restarted;
    private Dnsmasq _dns = null!;
    private ResolverServer? _server;

    public async Task InitializeAsync()
    {
        _script = FindScript();
        var (exit, stdout, stderr) = await RunAsync("bash", _script, "start", _directory);
        Assert.True(exit == 0, $"mariadb.sh start failed: {stderr}");
        _serverConnectionString = stdout.Trim().Split('\n')[^1].Trim();
        _dns = await Dnsmasq.StartAsync([("r", "203.0.113.80")]);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _dns.DisposeAsync();
        if (_restarted is not null)
        {
            if (!_restarted.HasExited)
            {
                _restarted.Kill();
            }

            await _restarted.WaitForExitAsync();
            _restarted.Dispose();
        }

        await RunAsync("bash", _script, "stop", _directory);
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Resolver_keeps_running_after_the_database_was_stopped_and_started_again()
    {
        var database = "og_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new MySqlConnection(_serverConnectionString))
        {
            await connection.OpenAsync();
            await new MySqlCommand($"CREATE DATABASE `{database}`", connection).ExecuteNonQueryAsync();
        }

        var b = new MySqlConnectionStringBuilder(_serverConnectionString);
        _server = await ResolverServer.StartAsync([_dns.NameServer], configure: o =>
        {
            o.DbServer = b.Server;
            o.DbPort = (int)b.Port;
            o.DbUser = b.UserID;
            o.DbPassword = b.Password;
            o.DbName = database;
            o.ResolverIntervalSeconds = 2;
            o.ResolverTtlFloorSeconds = 1;
            o.ResolverLeaseSeconds = 3;
        });
        var name = await _server.AllowAsync(_dns.Name("r"));
        await Eventually.Until(() => _server.AddressesAsync(name), a => a.Count == 1, TimeSpan.FromSeconds(15), "r resolved");

        await RunAsync("bash", _script, "stop", _directory);
        await Eventually.True(() => Task.FromResult(!_server.Resolver.IsLeading), TimeSpan.FromSeconds(20), "the resolver noticed the database is gone");
        await _dns.SetRecordsAsync([("r", "203.0.113.80"), ("r", "203.0.113.81")]);
        _restarted = StartMariaDb(b.Port);
        var addresses = await Eventually.Until(
            async () =>
            {
                try
                {
                    return await _server.AddressesAsync(name);
                }
                catch (Grpc.Core.RpcException)
                {
                    return [];
                }
            },
            a => a.Count == 2,
            TimeSpan.FromSeconds(60),
            "the resolver resolved again after the restart");

        Assert.Equal(["203.0.113.80 Live", "203.0.113.81 Live"], addresses);
        Assert.True(_server.Resolver.IsLeading);
        Assert.Contains("203.0.113.81/32", await _server.DesiredPrefixesAsync());
    }

    private Process StartMariaDb(uint port)
    {
        var info = new ProcessStartInfo("mariadbd") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--no-defaults", "--user=root", $"--datadir={_directory}/data", $"--socket={_directory}/sock", $"--pid-file={_directory}/pid",
            $"--port={port}", "--bind-address=127.0.0.1", "--skip-name-resolve", $"--log-error={_directory}/err.log", "--max-connections=500",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("mariadbd did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindScript([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile)! })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OutputGuard.sln")))
                {
                    return Path.Combine(dir.FullName, ".ci", "mariadb.sh");
                }
            }
        }

        throw new InvalidOperationException("OutputGuard.sln (and .ci/mariadb.sh) not found above the tests");
    }
}
