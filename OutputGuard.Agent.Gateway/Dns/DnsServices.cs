using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>Registers the DNS proxy: the domain policy always (the sync client feeds it), the proxy when <c>dns_listen</c> is set.</summary>
public static class DnsServices
{
    /// <summary>Adds the DNS proxy's services for <paramref name="options"/>.</summary>
    public static IServiceCollection AddDnsProxy(this IServiceCollection services, GatewayOptions options, EnforcerSettings enforcer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(enforcer);
        var settings = DnsProxySettings.From(options);
        services.AddSingleton(settings);
        var policy = new DomainPolicy { Wanted = settings.Enabled };
        services.AddSingleton(policy);
        services.AddSingleton(new DnsSync(policy));
        if (!settings.Enabled)
        {
            return services;
        }

        services.AddSingleton(LearnedStateFile.Beside(options.StateFile));
        services.AddSingleton(sp => new DnsLearner(
            sp.GetRequiredService<AllowListEnforcer>(), settings, enforcer.Internal, TimeProvider.System, sp.GetRequiredService<ILoggerFactory>().CreateLogger<DnsLearner>()));
        services.AddSingleton(sp =>
        {
            var learner = sp.GetRequiredService<DnsLearner>();
            var metrics = new DnsMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), () => learner.Count);
            learner.Learned += metrics.Learned;
            return metrics;
        });
        services.AddSingleton(sp =>
        {
            var metrics = sp.GetRequiredService<DnsMetrics>();
            return new DnsQueryHandler(
                sp.GetRequiredService<DomainPolicy>(),
                sp.GetRequiredService<DnsLearner>(),
                new UpstreamResolver(settings.Upstreams, settings.UpstreamTimeout, metrics.UpstreamFailed),
                enforcer.EffectiveClients,
                metrics,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<DnsQueryHandler>());
        });
        services.AddHostedService<DnsProxy>();
        return services;
    }
}
