using System.Globalization;

namespace OutputGuard.Configuration.Startup;

/// <summary>The process's effective Linux capabilities (the <c>CapEff</c> line of /proc/self/status).</summary>
public static class ProcessCapabilities
{
    /// <summary>CAP_NET_ADMIN's bit in /usr/include/linux/capability.h: what changing nf_tables and routes takes.</summary>
    public const int NetAdmin = 12;

    /// <summary>
    /// Whether <paramref name="capability"/> (a bit number of linux/capability.h) is in the effective set; null when
    /// <paramref name="statusPath"/> cannot be read or has no CapEff line (then the kernel's answer decides).
    /// </summary>
    public static bool? Has(int capability, string statusPath = "/proc/self/status") =>
        Effective(statusPath) is { } caps ? (caps & (1UL << capability)) != 0 : null;

    /// <summary>The effective set as a bit mask; null when <paramref name="statusPath"/> cannot be read or has no CapEff line.</summary>
    public static ulong? Effective(string statusPath = "/proc/self/status")
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                    && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var caps))
                {
                    return caps;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }
}
