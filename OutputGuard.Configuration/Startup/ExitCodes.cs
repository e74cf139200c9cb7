namespace OutputGuard.Configuration.Startup;

/// <summary>The exit codes the three programs share.</summary>
public static class ExitCodes
{
    /// <summary>Stopped cleanly, or help/version printed.</summary>
    public const int Success = 0;

    /// <summary>A runtime start failure (store unreachable, port in use, missing capability or namespace, table held by another gateway).</summary>
    public const int StartFailure = 1;

    /// <summary>A configuration problem (a bad, unknown or misplaced key, variable or flag).</summary>
    public const int Configuration = 2;
}
