namespace OutputGuard.Netlink.Routing;

/// <summary>A link event; <see cref="Link"/> is null when <see cref="Kind"/> is <see cref="RtnlUpdateKind.Lost"/>.</summary>
public sealed record LinkUpdate(RtnlUpdateKind Kind, Link? Link);
