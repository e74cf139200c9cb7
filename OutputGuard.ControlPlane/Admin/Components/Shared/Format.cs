using System.Globalization;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Admin.Components.Shared;

/// <summary>How the page writes numbers and times: invariant, UTC, with binary-free SI units for bytes.</summary>
public static class Format
{
    private static readonly string[] ByteUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

    /// <summary>"1.5 MB".</summary>
    public static string Bytes(double bytes)
    {
        var unit = 0;
        while (bytes >= 1000 && unit < ByteUnits.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }

        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B") : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {ByteUnits[unit]}");
    }

    /// <summary>"12,345".</summary>
    public static string Count(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>"2026-12-01 12:34:56 UTC", or "never" for the epoch.</summary>
    public static string Time(DateTimeOffset? time) =>
        time is not { } t || t.ToUnixTimeMilliseconds() <= 0 ? "never" : t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"3 min ago".</summary>
    public static string Ago(DateTimeOffset time, DateTimeOffset now)
    {
        var d = now - time;
        return d.TotalSeconds < 0 ? "just now"
            : d.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0} s ago")
            : d.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{d.TotalMinutes:0} min ago")
            : d.TotalHours < 48 ? string.Create(CultureInfo.InvariantCulture, $"{d.TotalHours:0} h ago")
            : string.Create(CultureInfo.InvariantCulture, $"{d.TotalDays:0} days ago");
    }

    /// <summary>"domain", "IP", "CIDR".</summary>
    public static string Kind(EntryKind kind) => kind switch
    {
        EntryKind.Domain => "domain",
        EntryKind.Ip => "IP",
        _ => "CIDR",
    };

    /// <summary>"tcp/443, udp/53", or "all ports".</summary>
    public static string Ports(IReadOnlyList<PortRule> ports) => ports.Count == 0 ? "all ports" : string.Join(", ", ports);

    /// <summary>Port rules as typed: separated by commas or spaces.</summary>
    public static IReadOnlyList<string> SplitPorts(string? text) =>
        (text ?? string.Empty).Split([',', ' ', ';', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
