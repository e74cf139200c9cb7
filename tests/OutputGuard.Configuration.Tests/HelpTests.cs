namespace OutputGuard.Configuration.Tests;

/// <summary>--help describes every flag with its key and variable; --version names version and commit; completion works.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class HelpTests : IDisposable
{
    private readonly SampleProgram _program = new();

    public void Dispose() => _program.Dispose();

    [Fact]
    public void Help_describes_every_flag_with_its_key_and_environment_variable()
    {
        var loaded = _program.Load("--help");

        Assert.Equal(0, loaded.AnsweredWith);
        foreach (var setting in SampleProgram.Definition.Schema.Settings.Where(s => s.Flag is not null))
        {
            Assert.Contains(setting.Flag!, _program.Output, StringComparison.Ordinal);
            Assert.Contains($"key {setting.Key}, env {setting.EnvironmentVariable}", Flat(_program.Output), StringComparison.Ordinal);
        }

        Assert.Contains("Only in the file: tokens.", _program.Output, StringComparison.Ordinal);
        Assert.Contains("rising precedence", _program.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_shows_defaults_but_never_a_secret()
    {
        _program.Load("--help");

        Assert.Contains("default 0.0.0.0:80", Flat(_program.Output), StringComparison.Ordinal);
        Assert.DoesNotContain("--computed", _program.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter-default", _program.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_names_the_version_and_the_commit()
    {
        var loaded = _program.Load("--version");

        Assert.Equal(0, loaded.AnsweredWith);
        Assert.Equal("sample 1.2.3 (commit abc123)", _program.Output.Trim());
    }

    [Fact]
    public void Version_is_read_from_the_informational_version()
    {
        var definition = SampleProgram.Definition.WithVersionOf(typeof(HelpTests).Assembly);

        Assert.Matches(@"^sample \d+\.\d+\.\d+ \(commit [0-9a-f]{7,40}|unknown\)$", definition.VersionLine);
    }

    [Fact]
    public void Completion_prints_a_bash_script_that_asks_the_program()
    {
        var loaded = _program.Load("--completion", "bash");

        Assert.Equal(0, loaded.AnsweredWith);
        Assert.Contains("complete -o default -F _sample sample", _program.Output, StringComparison.Ordinal);
        Assert.Contains("[suggest:", _program.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_suggest_directive_completes_flag_names()
    {
        var loaded = _program.Load("[suggest:11]", "sample --obs");

        Assert.Equal(0, loaded.AnsweredWith);
        Assert.Contains("--observe", _program.Output.Split('\n').Select(l => l.Trim()));
    }

    [Fact]
    public void Every_public_read_write_property_is_a_setting_and_computed_ones_are_not()
    {
        Assert.Equal(
            ["address", "observe", "report_interval_ms", "table", "internal_ranges", "password", "tokens"],
            SampleProgram.Definition.Schema.Settings.Select(s => s.Key));
        Assert.Equal(["name", "count", "gateway_ids"], SampleProgram.Definition.Schema.Find("tokens")!.Items!.Settings.Select(s => s.Key));
    }

    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
}
