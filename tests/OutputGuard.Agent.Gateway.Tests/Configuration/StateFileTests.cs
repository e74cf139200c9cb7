using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Sync;

namespace OutputGuard.Agent.Gateway.Tests.Configuration;

public sealed class StateFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("og-gw-sf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void State_file_round_trips_revision_and_destinations()
    {
        var file = new StateFile(Path.Combine(_dir, "sub", "state"));
        Assert.True(AllowedDestination.TryParse("203.0.113.0/24", out var net));
        Assert.True(AllowedDestination.TryParse("2001:db8::1/128 17 53 53", out var dns));

        file.Write(AllowList.Of(42, [net, dns]));
        var read = file.Read()!;

        Assert.Equal(42, read.Revision);
        Assert.Equal(new[] { net, dns }.ToHashSet(), read.All.ToHashSet());
        Assert.Single(Directory.GetFiles(Path.Combine(_dir, "sub")));
    }

    [Fact]
    public void Damaged_state_file_is_refused_with_its_line()
    {
        var path = Path.Combine(_dir, "state");
        File.WriteAllText(path, "outputguard-state 1 revision 3\n203.0.113.1/32\nnot-a-prefix\n");

        var ex = Assert.Throws<InvalidDataException>(() => new StateFile(path).Read());

        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_state_file_reads_as_none()
    {
        Assert.Null(new StateFile(Path.Combine(_dir, "absent")).Read());
    }
}
