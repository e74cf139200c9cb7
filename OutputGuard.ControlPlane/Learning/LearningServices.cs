namespace OutputGuard.ControlPlane.Learning;

/// <summary>Registers the domain rules that gateways' DNS proxies learn for.</summary>
public static class LearningServices
{
    /// <summary>Adds <see cref="DomainRuleSource"/> (a singleton and a hosted service).</summary>
    public static IServiceCollection AddDomainRules(this IServiceCollection services)
    {
        services.AddSingleton<DomainRuleSource>();
        services.AddHostedService(sp => sp.GetRequiredService<DomainRuleSource>());
        services.AddSingleton<LearnedAddressIntake>();
        return services;
    }
}
