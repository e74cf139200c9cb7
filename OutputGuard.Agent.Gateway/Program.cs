// The gateway agent: filled by its own issue (sync client, nf_tables enforcer, metrics on :9900).
Console.Error.WriteLine("outputguard-gateway: not built yet; see the README's status section.");
return 2;
