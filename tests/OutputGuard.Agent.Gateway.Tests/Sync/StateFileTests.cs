using System.Text;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;

namespace OutputGuard.Agent.Gateway.Tests.Sync;

[Trait(Tier.Name, Tier.Fast)]
public sealed class StateFileTests : IDisposable
{
    private const string Store = "5f0c8e2d9a7b4c1e8f3a6b2d0c9e7f1a";
    private readonly string _dir = Directory.CreateTempSubdirectory("og-gw-sf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);


    private StateFile Written(params string[] destinations)
    {
        var file = new StateFile(PathOf("state"));
        file.Write(AllowList.Of(42, destinations.Select(D), Store));
        return file;
    }

    [Fact]
    public void State_file_round_trips_store_revision_and_destinations()
    {
        var file = new StateFile(Path.Combine(_dir, "sub", "state"));

        file.Write(AllowList.Of(42, [D("203.0.113.0/24"), D("2001:db8::1/128 17 53 53")], Store));
        var read = file.Read()!;

        Assert.Equal((42L, Store), (read.Revision, read.StoreId));
        Assert.Equal(new[] { D("203.0.113.0/24"), D("2001:db8::1/128 17 53 53") }.ToHashSet(), read.All.ToHashSet());
        Assert.Single(Directory.GetFiles(Path.Combine(_dir, "sub")));
    }

    [Fact]
    public void State_file_larger_than_its_write_buffer_round_trips_every_line_and_its_checksum()
    {
        // 30,000 lines of every kind are several write buffers: each buffer feeds the checksum once.
        var destinations = Enumerable.Range(0, 10_000).SelectMany(i => new[]
        {
            D($"203.{i / 256}.{i % 256}.1/32"),
            D($"2001:db8:{i:x}::/48 6 8000 8100"),
            D($"198.{i / 256}.{i % 256}.0/24 17 53 53"),
        }).ToList();
        var file = new StateFile(PathOf("large"));

        file.Write(AllowList.Of(7, destinations, Store));
        var read = file.Read()!;

        Assert.Equal(7, read.Revision);
        Assert.Equal(destinations.ToHashSet(), read.All.ToHashSet());
        var text = File.ReadAllText(file.Path);
        Assert.Equal(text.Length, Encoding.UTF8.GetByteCount(text));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Torn_last_line_is_refused_not_read_as_another_address()
    {
        var file = Written("198.51.100.77/32", "203.0.113.10/32");
        var bytes = File.ReadAllBytes(file.Path);
        var cut = Encoding.ASCII.GetString(bytes).IndexOf("98.51.100.77", StringComparison.Ordinal) + "98.51.100.7".Length;
        File.WriteAllBytes(file.Path, bytes[..cut]);

        var ex = Assert.Throws<InvalidDataException>(file.Read);

        Assert.Contains("torn or truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_truncated_at_a_line_boundary_is_refused()
    {
        var file = Written("198.51.100.77/32", "203.0.113.10/32");
        var text = File.ReadAllText(file.Path);
        File.WriteAllText(file.Path, text[..(text.IndexOf("203.0.113.10/32", StringComparison.Ordinal))]);

        var ex = Assert.Throws<InvalidDataException>(file.Read);

        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_flipped_bit_is_refused()
    {
        var file = Written("198.51.100.77/32", "203.0.113.10/32 6 443 443");
        var original = File.ReadAllBytes(file.Path);

        for (var i = 0; i < original.Length; i++)
        {
            var flipped = (byte[])original.Clone();
            flipped[i] ^= 0x01;
            File.WriteAllBytes(file.Path, flipped);

            var ex = Assert.Throws<InvalidDataException>(file.Read);
            Assert.Contains("is refused", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Destination_that_is_not_in_canonical_form_is_refused_even_with_a_matching_checksum()
    {
        var body = "outputguard-state 2\nstore -\nrevision 3\ndestinations 1\n198.51.100.7\n";
        var sum = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(body)));
        File.WriteAllText(PathOf("state"), body + $"sha256 {sum}\n");

        var ex = Assert.Throws<InvalidDataException>(new StateFile(PathOf("state")).Read);

        Assert.Contains("line 5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("canonical", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_1_file_without_a_checksum_is_refused_with_a_clear_message()
    {
        File.WriteAllText(PathOf("state"), "outputguard-state 1 revision 3\n203.0.113.1/32\n");

        var ex = Assert.Throws<InvalidDataException>(new StateFile(PathOf("state")).Read);

        Assert.Contains("version 1, which has no checksum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_state_file_reads_as_none()
    {
        Assert.Null(new StateFile(PathOf("absent")).Read());
    }
}
