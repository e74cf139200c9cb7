using OutputGuard.Agent.Gateway.Metrics;

namespace OutputGuard.Agent.Gateway.Tests.Metrics;

// The rule on its own (the real agent and kernel: BoundedSeriesEndToEndTests).
public sealed class BusiestSeriesTests
{
    private static List<SeriesValue> Counted(params (string Key, ulong Bytes)[] keys) =>
        [.. keys.SelectMany(k => new[] { new SeriesValue(k.Key, "OUTPUT", k.Bytes / 4, 1), new SeriesValue(k.Key, "INPUT", k.Bytes - (k.Bytes / 4), 2) })];

    private static List<string> Keys(List<SeriesValue> exported) => [.. exported.Select(s => s.Key).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public void With_no_more_keys_than_the_limit_every_key_is_exported_and_other_is_zero()
    {
        var exported = new BusiestSeries(3, TimeSpan.Zero).Export(Counted(("a", 10), ("b", 0)));

        Assert.Equal(["a", "b", "other"], Keys(exported));
        Assert.All(exported.Where(s => s.Key == "other"), s => Assert.Equal((0UL, 0UL), (s.Bytes, s.Packets)));
    }

    [Fact]
    public void Busiest_by_recent_bytes_are_exported_and_other_sums_the_rest_per_direction()
    {
        var all = Counted(("a", 100), ("b", 400), ("c", 300), ("d", 200));

        var exported = new BusiestSeries(2, TimeSpan.Zero).Export(all);

        Assert.Equal(["b", "c", "other"], Keys(exported));
        foreach (var type in BusiestSeries.Types)
        {
            Assert.Equal(all.Where(s => s.Type == type).Sum(s => (double)s.Bytes), exported.Where(s => s.Type == type).Sum(s => (double)s.Bytes));
            Assert.Equal(all.Where(s => s.Type == type).Sum(s => (double)s.Packets), exported.Where(s => s.Type == type).Sum(s => (double)s.Packets));
        }
    }

    [Fact]
    public void Keys_of_equal_traffic_keep_their_places_when_the_choice_is_made_again()
    {
        // Among equals the first choice drops the later key; the next reading holds earlier keys, as quiet: the keys
        // chosen before stay (without this, a and b would take their places and renew the exported series).
        var series = new BusiestSeries(2, TimeSpan.Zero);
        var first = Keys(series.Export(Counted(("x", 0), ("y", 0), ("z", 0))));
        Assert.Equal(["other", "x", "y"], first);

        Assert.Equal(first, Keys(series.Export(Counted(("a", 0), ("b", 0), ("x", 0), ("y", 0), ("z", 0)))));

        // Traffic still wins a place.
        Assert.Equal(["a", "other", "x"], Keys(series.Export(Counted(("a", 10), ("b", 0), ("x", 0), ("y", 0), ("z", 0)))));
    }

    [Fact]
    public void Choice_stands_until_the_rechoose_interval_even_when_another_key_gets_busier()
    {
        var series = new BusiestSeries(1, TimeSpan.FromHours(1));
        Assert.Equal(["b", "other"], Keys(series.Export(Counted(("a", 100), ("b", 400)))));

        var later = series.Export(Counted(("a", 5000), ("b", 400)));

        Assert.Equal(["b", "other"], Keys(later));
        Assert.Equal(1, series.Choices);
    }

    [Fact]
    public void Recent_bytes_decide_a_new_choice_not_the_totals()
    {
        var series = new BusiestSeries(1, TimeSpan.Zero);
        Assert.Equal(["b", "other"], Keys(series.Export(Counted(("a", 100), ("b", 10_000)))));

        // a gained 900 since the last choice, b 100: a is the busier now, though b's total is larger.
        Assert.Equal(["a", "other"], Keys(series.Export(Counted(("a", 1000), ("b", 10_100)))));
    }

    [Fact]
    public void A_chosen_key_that_left_frees_its_slot_at_once()
    {
        var series = new BusiestSeries(1, TimeSpan.FromHours(1));
        series.Export(Counted(("a", 100), ("b", 400), ("c", 50)));

        var exported = series.Export(Counted(("a", 100), ("c", 50)));

        Assert.Equal(["a", "other"], Keys(exported));
    }

    [Fact]
    public void Read_loop_waits_the_interval_or_longer_so_reads_take_at_most_a_tenth_of_a_core()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), CounterReadLoop.Wait(TimeSpan.FromSeconds(10), 0.2));
        Assert.Equal(TimeSpan.FromSeconds(18), CounterReadLoop.Wait(TimeSpan.FromSeconds(10), 2));
        Assert.Equal(CounterReadLoop.MinWait, CounterReadLoop.Wait(TimeSpan.Zero, 0));
    }
}
