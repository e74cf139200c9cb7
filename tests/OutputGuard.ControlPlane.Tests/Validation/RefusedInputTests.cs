using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Validation;

/// <summary>
/// Every refused input gets InvalidArgument with a message that names the problem, and leaves the
/// store exactly as it was: same entries, same revision, same audit log.
/// </summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class RefusedInputTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    public static TheoryData<string, string> PrivateSpellings => new()
    {
        { "10.0.0.1", "10.0.0.0/8" },
        { "10.1", "10.0.0.0/8" },
        { "167772161", "10.0.0.0/8" },
        { "0xa000001", "10.0.0.0/8" },
        { "0xA.0.0.1", "10.0.0.0/8" },
        { "012.0.0.1", "10.0.0.0/8" },
        { "010.0.0.1", "10.0.0.0/8" },
        { "127.1", "127.0.0.0/8" },
        { "0177.0.0.1", "127.0.0.0/8" },
        { "2130706433", "127.0.0.0/8" },
        { "192.168.1.1", "192.168.0.0/16" },
        { "172.16.5.4", "172.16.0.0/12" },
        { "100.64.0.1", "100.64.0.0/10" },
        { "169.254.169.254", "169.254.0.0/16" },
        { "0.0.0.0", "0.0.0.0/8" },
        { "224.0.0.251", "224.0.0.0/4" },
        { "255.255.255.255", "240.0.0.0/4" },
        { "::ffff:10.0.0.1", "10.0.0.0/8" },
        { "::ffff:a00:1", "10.0.0.0/8" },
        { "::10.0.0.1", "10.0.0.0/8" },
        { "64:ff9b::a00:1", "10.0.0.0/8" },
        { "2002:a00:1::", "10.0.0.0/8" },
        { "::1", "::1/128" },
        { "::", "::/128" },
        { "fe80::1%eth0", "fe80::/10" },
        { "FD00::1", "fc00::/7" },
        { "ff02::1", "ff00::/8" },
        { "10.0.0.0/8", "10.0.0.0/8" },
        { "8.0.0.0/6", "10.0.0.0/8" },
        { "0.0.0.0/0", "0.0.0.0/8" },
    };

    public static TheoryData<string, string[], string> OtherRefusals => new()
    {
        { "203.0.113.5/24", [], "host bits" },
        { "4.0.0.0/7", [], "/7" },
        { "2a00::/16", [], "/16" },
        { "2001:db8::1%2", [], "zone" },
        { "*.*.example.com", [], "wildcard" },
        { "api.*.example.com", [], "wildcard" },
        { "-bad.example.com", [], "hyphen" },
        { "a..example.com", [], "empty label" },
        { new string('a', 64) + ".example.com", [], "63" },
        { string.Join('.', Enumerable.Repeat(new string('b', 62), 4)) + ".com", [], "253" },
        { "localhost", [], "single label" },
        { "printer.local", [], "special-use" },
        { "under_score.example.com", [], "letters, digits" },
        { "example.123", [], "all digits" },
        { "api.example.com", ["tcp/0"], "1 to 65535" },
        { "api.example.com", ["tcp/70000"], "1 to 65535" },
        { "api.example.com", ["icmp/1"], "not tcp or udp" },
        { "api.example.com", ["tcp/9000-8000"], "starts after it ends" },
        { "api.example.com", ["443"], "tcp/443" },
        { "", [], "required" },
    };

    [Theory]
    [MemberData(nameof(PrivateSpellings))]
    public async Task Private_address_in_any_spelling_is_refused_naming_its_range(string value, string range)
    {
        var e = await RefusedWithoutChange(value, []);

        Assert.Contains(range, e.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OtherRefusals))]
    public async Task Malformed_input_is_refused_naming_the_problem(string value, string[] ports, string problem)
    {
        var e = await RefusedWithoutChange(value, ports);

        Assert.Contains(problem, e.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("API.Example.COM.", "api.example.com")]
    [InlineData("*.Example.com", "*.example.com")]
    [InlineData("0xCB.0.0x71.5", "203.0.113.5")]
    [InlineData("3405803781", "203.0.113.5")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("2001:DB8:0:0::1", "2001:db8::1")]
    [InlineData("192.000.002.001", "192.0.2.1")]
    public async Task Accepted_spellings_are_stored_in_normal_form(string value, string normal)
    {
        var client = new EntryService.EntryServiceClient(fixture.Server.Channel(TestTokens.Editor));

        var entry = await client.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = value } });

        Assert.Equal(normal, entry.Value);
    }

    private async Task<RpcException> RefusedWithoutChange(string value, string[] ports)
    {
        var server = fixture.Server;
        var client = new EntryService.EntryServiceClient(server.Channel(TestTokens.Admin));
        var before = await Observe(server);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.CreateEntryAsync(new CreateEntryRequest
        {
            Entry = new Entry { Value = value, Ports = { ports } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(before, await Observe(server));
        return e;
    }

    private static async Task<string> Observe(ControlPlaneServer server)
    {
        var store = server.Store;
        var entries = await store.ListEntriesAsync(ControlPlane.Entries.EntryFilter.All, 0, 10_000, CancellationToken.None);
        var audit = await store.ListAuditEventsAsync(new ControlPlane.Audit.AuditFilter(), 0, 10_000, CancellationToken.None);
        var state = await store.GetDesiredStateAsync(CancellationToken.None);
        return $"{string.Join(',', entries.Select(e => e.Value))}|{audit.Count}|{state.Revision}|{state.Destinations.Count}";
    }
}
