namespace OutputGuard.Configuration.Tests;

/// <summary>File &lt; environment &lt; flags; a list is taken whole from the highest layer that gives it.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class PrecedenceTests : IDisposable
{
    private readonly SampleProgram _program = new();

    public void Dispose() => _program.Dispose();

    [Fact]
    public void Flags_beat_the_environment_which_beats_the_file()
    {
        var file = _program.File("address: 10.0.0.1:1\nreport_interval_ms: 111\ntable: 7\n");
        _program.Environment["OUTPUTGUARD_REPORT_INTERVAL_MS"] = "222";
        _program.Environment["OUTPUTGUARD_TABLE"] = "8";

        var options = _program.Options("--config", file, "--table", "9");

        Assert.Equal("10.0.0.1:1", options.Address);
        Assert.Equal(222, options.ReportIntervalMs);
        Assert.Equal(9u, options.Table);
    }

    [Fact]
    public void A_list_from_a_higher_layer_replaces_the_lower_one_whole()
    {
        // The file's second item would be refused; the environment's list replaces the file's, so it never counts.
        var file = _program.File("internal_ranges: [10.0.0.0/8, 192.168.0.0/16]\n");
        _program.Environment["OUTPUTGUARD_INTERNAL_RANGES"] = "11.0.0.0/8";

        var fromEnvironment = _program.Options("--config", file);
        var fromFlags = _program.Options("--config", file, "--internal", "12.0.0.0/8");

        Assert.Equal(["11.0.0.0/8"], fromEnvironment.InternalRanges);
        Assert.Equal(["12.0.0.0/8"], fromFlags.InternalRanges);
    }

    [Fact]
    public void Repeated_list_flags_accumulate_and_commas_separate()
    {
        var options = _program.Options("--internal", "10.0.0.0/8", "--internal=11.0.0.0/8,12.0.0.0/8", "-old-internal", "13.0.0.0/8", "--internal-ranges", " 14.0.0.0/8 ");

        Assert.Equal(["10.0.0.0/8", "11.0.0.0/8", "12.0.0.0/8", "13.0.0.0/8", "14.0.0.0/8"], options.InternalRanges);
    }

    [Fact]
    public void An_empty_environment_list_empties_the_files_list()
    {
        var file = _program.File("internal_ranges:\n  - 10.0.0.0/8\n");
        _program.Environment["OUTPUTGUARD_INTERNAL_RANGES"] = "";

        Assert.Empty(_program.Options("--config", file).InternalRanges);
    }

    [Fact]
    public void The_configuration_file_can_be_named_by_OUTPUTGUARD_CONFIG_or_an_alias()
    {
        var file = _program.File("table: 42\n");
        _program.Environment["OUTPUTGUARD_CONFIG"] = file;

        Assert.Equal(42u, _program.Options().Table);
        Assert.Equal(42u, _program.Options("-conf", file).Table);
    }

    [Theory]
    [InlineData("--observe")]
    [InlineData("--observe=true")]
    [InlineData("--observe", "true")]
    [InlineData("--observe:TRUE")]
    public void A_boolean_flag_is_true_bare_or_with_true(params string[] args)
    {
        Assert.True(_program.Options(args).Observe);
    }

    [Fact]
    public void Booleans_read_the_same_in_the_file_and_the_environment()
    {
        var file = _program.File("observe: true\n");
        Assert.True(_program.Options("--config", file).Observe);

        _program.Environment["OUTPUTGUARD_OBSERVE"] = "False";
        Assert.False(_program.Options("--config", file).Observe);
        Assert.True(_program.Options("--config", file, "--observe").Observe);
        Assert.False(_program.Options("--config", file, "--observe", "false").Observe);
    }

    [Fact]
    public void Numbers_may_be_hexadecimal()
    {
        Assert.Equal(0xC6u, _program.Options("--table", "0xC6").Table);
    }

    [Fact]
    public void A_list_of_objects_with_lists_inside_binds_from_the_file()
    {
        var file = _program.File("""
            tokens:
              - { name: a, count: 1, gateway_ids: [gw-1, gw-2] }
              - name: b
                gateway_ids:
                  - gw-3
            """);

        var tokens = _program.Options("--config", file).Tokens;

        Assert.Equal(["a", "b"], tokens.Select(t => t.Name));
        Assert.Equal(["gw-1", "gw-2"], tokens[0].GatewayIds);
        Assert.Equal(["gw-3"], tokens[1].GatewayIds);
        Assert.Equal(1, tokens[0].Count);
    }

    [Fact]
    public void Sources_tell_where_each_value_came_from()
    {
        var file = _program.File("address: 1.2.3.4:5\ninternal_ranges:\n  - 10.0.0.0/8\n  - 11.0.0.0/8\n");
        _program.Environment["OUTPUTGUARD_TABLE"] = "3";

        var sources = _program.Load("--config", file, "--observe").Sources;

        Assert.Equal($"file {file}:1", sources.OriginOf("address").ToString());
        Assert.Equal($"file {file}:4", sources.OriginOf("internal_ranges[1]").ToString());
        Assert.Equal("environment OUTPUTGUARD_TABLE", sources.OriginOf("table").ToString());
        Assert.Equal("flag --observe", sources.OriginOf("observe").ToString());
        Assert.Equal("default", sources.OriginOf("password").ToString());
    }
}
