namespace OutputGuard.Configuration.Tests;

/// <summary>Every refusal names the key, the layer it came from and the fix, in one line.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class RefusalTests : IDisposable
{
    private readonly SampleProgram _program = new();

    public void Dispose() => _program.Dispose();

    [Fact]
    public void A_single_value_where_a_list_is_expected_is_refused_with_its_file_line()
    {
        var file = _program.File("address: 1.2.3.4:5\ninternal_ranges: 8.8.8.0/24\n");

        var problem = _program.Problem("--config", file);

        Assert.Equal($"internal_ranges (file {file}:2): a list is expected, not a single value: write `internal_ranges: [8.8.8.0/24]` or one `- 8.8.8.0/24` line per item", problem);
    }

    [Fact]
    public void A_list_where_a_single_value_is_expected_is_refused()
    {
        var file = _program.File("address: [a, b]\n");

        Assert.Equal($"address (file {file}:1): a single value is expected, not a list", _program.Problem("--config", file));
    }

    [Fact]
    public void An_unknown_key_is_refused_with_its_line_and_the_key_it_likely_meant()
    {
        var file = _program.File("observe: true\nadress: x\n");

        Assert.Equal($"adress (file {file}:2): unknown key; did you mean 'address'? (remove it or fix its name)", _program.Problem("--config", file));
    }

    [Fact]
    public void An_unknown_key_inside_a_list_item_is_refused()
    {
        var file = _program.File("tokens:\n  - name: a\n    colour: red\n");

        Assert.StartsWith($"tokens[0].colour (file {file}:3): unknown key", _program.Problem("--config", file), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_OUTPUTGUARD_variable_is_refused_with_the_one_it_likely_meant()
    {
        _program.Environment["OUTPUTGUARD_ADRESS"] = "x";

        Assert.Equal("OUTPUTGUARD_ADRESS: not a setting of sample; did you mean OUTPUTGUARD_ADDRESS? (unset it or fix its name)", _program.Problem());
    }

    [Fact]
    public void Test_suite_variables_and_other_programs_variables_are_left_alone()
    {
        _program.Environment["OUTPUTGUARD_TEST_MYSQL"] = "Server=x";
        _program.Environment["GATEWAY__REPORTINTERVALMS"] = "50";
        _program.Environment["Gateway__ReportIntervalMs"] = "50";

        Assert.Equal(1000, _program.Options().ReportIntervalMs);
    }

    [Fact]
    public void A_list_of_objects_cannot_come_from_the_environment()
    {
        _program.Environment["OUTPUTGUARD_TOKENS"] = "abc";

        Assert.Equal(
            "tokens (environment OUTPUTGUARD_TOKENS): tokens is a list of objects and can only be set in the configuration file (--config); unset OUTPUTGUARD_TOKENS",
            _program.Problem());
    }

    [Theory]
    [InlineData("file", "report_interval_ms (file {0}:1): 'soon' is not a whole number")]
    [InlineData("environment", "report_interval_ms (environment OUTPUTGUARD_REPORT_INTERVAL_MS): 'soon' is not a whole number")]
    [InlineData("flag", "report_interval_ms (flag --report-interval-ms): 'soon' is not a whole number")]
    public void A_bad_value_is_refused_naming_the_layer_it_came_from(string layer, string expected)
    {
        var file = _program.File(layer == "file" ? "report_interval_ms: soon\n" : "{}\n");
        if (layer == "environment")
        {
            _program.Environment["OUTPUTGUARD_REPORT_INTERVAL_MS"] = "soon";
        }

        var problem = _program.Problem(layer == "flag" ? ["--config", file, "--report-interval-ms", "soon"] : ["--config", file]);

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, file), problem);
    }

    [Theory]
    [InlineData("--observe=yes", "observe (flag --observe): 'yes' is not true or false")]
    [InlineData("--observe maybe", "observe (flag --observe): 'maybe' is not true or false")]
    [InlineData("--table -1", "table (flag --table): '-1' is out of range (0 to 4294967295)")]
    [InlineData("--table 99999999999", "table (flag --table): '99999999999' is out of range (0 to 4294967295)")]
    public void Values_outside_their_kind_are_refused(string args, string expected)
    {
        Assert.StartsWith(expected, _program.Problem(args.Split(' ')), StringComparison.Ordinal);
    }

    [Fact]
    public void A_boolean_in_the_environment_is_true_or_false_only()
    {
        _program.Environment["OUTPUTGUARD_OBSERVE"] = "1";

        Assert.Equal("observe (environment OUTPUTGUARD_OBSERVE): '1' is not true or false", _program.Problem());
    }

    [Fact]
    public void A_validators_failure_names_the_line_of_the_list_item_it_is_about()
    {
        var file = _program.File("internal_ranges:\n  - 10.0.0.0/8\n  - 10.1.0.0/16\ntokens:\n  - { name: a, count: 12 }\n");

        var problems = _program.Load("--config", file).Problems.Select(p => p.ToString()).ToList();

        Assert.Equal(
            [$"internal_ranges[1] (file {file}:3): '10.1.0.0/16' is not a /8", $"tokens[0].count (file {file}:5): 12 is more than 9"],
            problems);
    }

    [Fact]
    public void An_unknown_flag_is_refused_with_the_flag_it_likely_meant()
    {
        Assert.Equal("'--obsrve': unknown flag; did you mean --observe?", _program.Problem("--obsrve"));
    }

    [Fact]
    public void A_stray_argument_is_refused()
    {
        Assert.StartsWith("'extra': unexpected argument", _program.Problem("extra"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_value_flag_given_twice_is_refused()
    {
        Assert.Equal("address (flag --address): is given more than once; give it once", _program.Problem("--address", "a", "--address", "b"));
    }

    [Fact]
    public void A_secret_is_never_repeated_in_a_message()
    {
        _program.Environment["OUTPUTGUARD_PASSWORD"] = "hunter2";

        var loaded = _program.Load("--password", "hunter2", "--table", "x");

        Assert.DoesNotContain("hunter2", string.Join(' ', loaded.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_YAML_is_refused_with_its_line()
    {
        var file = _program.File("observe: true\ntable: [1, 2\n");

        Assert.StartsWith($"config (file {file}:", _program.Problem("--config", file), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        Assert.StartsWith("config (file /nonexistent/og.yaml): cannot be read", _program.Problem("--config", "/nonexistent/og.yaml"), StringComparison.Ordinal);
    }
}
