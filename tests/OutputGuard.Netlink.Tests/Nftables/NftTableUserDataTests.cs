using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>A table's userdata: written with the table, read back, shown by nft as the table's comment.</summary>
public sealed class NftTableUserDataTests : IDisposable
{
    private readonly NetnsFixture _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Table_comment_written_by_the_library_is_read_back_and_shown_by_nft()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        using (var batch = nft.BeginBatch())
        {
            batch.AddTable(new NftTable(NftFamily.Inet, "owned") { UserData = NftUserData.Comment("owner pid 4242") });
            batch.Commit();
        }

        var table = Assert.Single(nft.ListTables(NftFamily.Inet));

        Assert.Equal("owner pid 4242", NftUserData.ReadComment(table.UserData));
        Assert.Contains("comment \"owner pid 4242\"", Tool.In(_ns.Name, "nft", "list", "table", "inet", "owned"), StringComparison.Ordinal);
    }

    [Fact]
    public void Table_comment_written_by_nft_is_read_back()
    {
        NftOracle.Script(_ns.Name, "table inet t { comment \"from nft\"; }");
        using var nft = NftConnection.OpenIn(_ns.Name);

        Assert.Equal("from nft", NftUserData.ReadComment(Assert.Single(nft.ListTables(NftFamily.Inet)).UserData));
    }

    [Fact]
    public void Adding_an_existing_table_with_other_userdata_keeps_the_first()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        foreach (var comment in new[] { "first", "second" })
        {
            using var batch = nft.BeginBatch();
            batch.AddTable(new NftTable(NftFamily.Inet, "t") { UserData = NftUserData.Comment(comment) });
            batch.Commit();
        }

        Assert.Equal("first", NftUserData.ReadComment(Assert.Single(nft.ListTables(NftFamily.Inet)).UserData));
    }

    [Fact]
    public void Malformed_userdata_has_no_comment()
    {
        Assert.Null(NftUserData.ReadComment([0, 9, 1, 2]));
        Assert.Null(NftUserData.ReadComment([]));
        Assert.Equal("x", NftUserData.ReadComment([5, 1, 0, 0, 2, (byte)'x', 0]));
    }
}
