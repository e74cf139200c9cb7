using System.Net.Sockets;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Tests.Enforcement;

public sealed class FamilyLayoutTests
{
    [Fact]
    public void Every_set_of_the_table_is_read_back_as_the_family_it_belongs_to()
    {
        foreach (var family in TableLayout.Families)
        {
            Assert.All(family.AllSets, set => Assert.Same(family, FamilyLayout.Of(set)));
        }
    }

    [Fact]
    public void Family_comes_from_the_set_key_not_its_name()
    {
        var v6KeyNamedLikeV4 = FamilyLayout.V6.Hosts with { Name = "hosts4" };

        Assert.Equal(AddressFamily.InterNetworkV6, FamilyLayout.Of(v6KeyNamedLikeV4).Family);
    }

    [Fact]
    public void Set_whose_key_is_no_address_is_refused()
    {
        var marks = FamilyLayout.V4.Hosts with { KeyType = NftKeyType.Mark };

        Assert.Throws<ArgumentException>(() => FamilyLayout.Of(marks));
    }
}
