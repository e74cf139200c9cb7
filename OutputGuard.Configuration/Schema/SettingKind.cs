namespace OutputGuard.Configuration.Schema;

/// <summary>The shape of a setting's value, which decides how each layer may write it.</summary>
public enum SettingKind
{
    /// <summary>A string.</summary>
    Text,

    /// <summary><c>true</c> or <c>false</c> (a bare flag is true).</summary>
    Boolean,

    /// <summary>A whole number (decimal, or hexadecimal with <c>0x</c>), within the range of its type.</summary>
    WholeNumber,

    /// <summary>A list of strings: a YAML sequence, a comma-separated variable, a repeated or comma-separated flag.</summary>
    List,

    /// <summary>A list of objects (such as <c>tokens</c>): only the configuration file can write it.</summary>
    ObjectList,
}
