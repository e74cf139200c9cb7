// The route agent: filled by its own issue (routes every public range via the gateways).
Console.Error.WriteLine("outputguard-route: not built yet; see the README's status section.");
return 2;
