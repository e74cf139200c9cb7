namespace OutputGuard.Configuration.Values;

/// <summary>The configuration layers in rising precedence: a higher layer's value (a whole list too) replaces a lower one's.</summary>
public enum ValueLayer
{
    /// <summary>The program's default.</summary>
    Default,

    /// <summary>The YAML file given with <c>--config</c>.</summary>
    File,

    /// <summary><c>OUTPUTGUARD_*</c> environment variables.</summary>
    Environment,

    /// <summary>Command-line flags.</summary>
    Flag,
}
