using Microsoft.Extensions.DependencyInjection;
using OutputGuard.ControlPlane.Admin.Components.Shared;
using OutputGuard.ControlPlane.Admin.Queries;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.ControlPlane.Tests.Traffic;

/// <summary>The traffic history the page's chart draws: bounded to a day, one total per sample, rates that never go negative.</summary>
public sealed class TrafficHistoryTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task A_sample_keeps_the_total_and_drops_samples_older_than_the_retention()
    {
        var history = fixture.Server.App.Services.GetRequiredService<IAdminStore>();
        var now = new DateTimeOffset(2031, 5, 4, 12, 0, 0, TimeSpan.Zero);

        await history.AppendTrafficSampleAsync(now - TimeSpan.FromDays(2), TrafficSampler.TopDestinations, now - TimeSpan.FromDays(3), default);
        await history.AppendTrafficSampleAsync(now, TrafficSampler.TopDestinations, now - TrafficSampler.Retention, default);

        var samples = await history.ListTrafficSamplesAsync(now - TimeSpan.FromDays(7), default);
        var total = Assert.Single(samples);
        Assert.Equal((now, string.Empty), (total.At, total.DestinationKey));
    }

    [Fact]
    public void Chart_rates_are_the_differences_between_samples_and_a_counter_that_went_down_counts_as_zero()
    {
        var t = new DateTimeOffset(2031, 5, 4, 12, 0, 0, TimeSpan.Zero);
        TrafficSample Total(int minute, double sent, double received) => new(t.AddMinutes(minute), string.Empty, sent, received, 0, 0);

        var rates = TrafficChart.Rates([Total(0, 100, 1000), Total(1, 250, 1600), Total(2, 40, 1700), new(t.AddMinutes(2), "192.0.2.1/32", 9e9, 9e9, 0, 0)]);

        Assert.Equal([(t.AddMinutes(1), 150.0, 600.0), (t.AddMinutes(2), 0.0, 100.0)], rates);
        Assert.Contains("<polyline", TrafficChart.Svg(rates), StringComparison.Ordinal);
    }
}
