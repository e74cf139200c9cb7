using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Tests.Enforcement;

[Trait(Tier.Name, Tier.Fast)]
public sealed class TableMarkerTests
{
    [Theory]
    [InlineData("5f0c8e2d9a7b4c1e8f3a6b2d0c9e7f1a", 42)]
    [InlineData("", 0)]
    public void Marker_comment_reads_back_as_written(string store, long revision)
    {
        var marker = new TableMarker(store, revision);

        Assert.Equal(marker, TableMarker.Parse(marker.Comment));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("outputguard store abc revision")]
    [InlineData("outputguard store a b revision 1")]
    [InlineData("someone's comment")]
    [InlineData("outputguard store abc revision 99999999999999999999")]
    public void Anything_else_is_no_marker(string? comment) => Assert.Null(TableMarker.Parse(comment));
}
