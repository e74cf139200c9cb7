using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Tests.Entries;

/// <summary>Wildcard entries against Debian's Public Suffix List (the real file the publicsuffix package installs).</summary>
public sealed class WildcardEntryTests
{
    private static readonly EntryValidator Validator = new(InternalRanges.Defaults, 8, 32, PublicSuffixList.Load(PublicSuffixList.DebianPath));

    [Theory]
    [InlineData("*.com", "com")]
    [InlineData("*.co.uk", "co.uk")]
    [InlineData("*.github.io", "github.io")]
    [InlineData("*.CO.UK.", "co.uk")]
    public void Wildcard_over_a_public_suffix_is_refused_naming_the_suffix(string value, string suffix)
    {
        Assert.False(Validator.TryValidate(value, null, null, false, out _, out var error));
        Assert.Contains($"public suffix '{suffix}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*.example.com")]
    [InlineData("*.example.co.uk")]
    [InlineData("*.someone.github.io")]
    public void Wildcard_under_a_registered_domain_is_accepted(string value)
    {
        Assert.True(Validator.TryValidate(value, null, null, false, out var entry, out var error), error);
        Assert.Equal(EntryKind.Domain, entry.Kind);
    }

    [Theory]
    [InlineData("a.*.example.com")]
    [InlineData("*example.com")]
    [InlineData("**.example.com")]
    public void Star_anywhere_but_the_whole_leftmost_label_is_refused(string value)
    {
        Assert.False(Validator.TryValidate(value, null, null, false, out _, out var error));
        Assert.Contains("whole leftmost label", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_list_wildcards_are_refused_naming_the_file_and_exact_names_still_work()
    {
        var options = new Configuration.ControlPlaneOptions { PublicSuffixList = "/nonexistent/public_suffix_list.dat" };
        var validator = EntryValidator.FromOptions(options);
        Assert.False(validator.TryValidate("*.example.com", null, null, false, out _, out var error));
        Assert.Contains("/nonexistent/public_suffix_list.dat", error, StringComparison.Ordinal);
        Assert.True(validator.TryValidate("api.example.com", null, null, false, out _, out _));
    }

    [Fact]
    public void List_wildcard_rules_and_exceptions_are_followed()
    {
        var list = PublicSuffixList.Parse(["// comment", "ck", "*.ck", "!www.ck", "uk", "co.uk"], "test");
        Assert.True(list.IsPublicSuffix("anything.ck"));
        Assert.False(list.IsPublicSuffix("www.ck"));
        Assert.True(list.IsPublicSuffix("co.uk"));
        Assert.False(list.IsPublicSuffix("example.co.uk"));
        Assert.True(list.IsPublicSuffix("unlisted"), "a single label is a public suffix by the default rule");
    }
}
