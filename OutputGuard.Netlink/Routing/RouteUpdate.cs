namespace OutputGuard.Netlink.Routing;

/// <summary>A route event; <see cref="Route"/> is null when <see cref="Kind"/> is <see cref="RtnlUpdateKind.Lost"/>.</summary>
public sealed record RouteUpdate(RtnlUpdateKind Kind, Route? Route);
