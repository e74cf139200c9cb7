using Microsoft.Extensions.Logging;

namespace OutputGuard.Hosting;

/// <summary>The programs' console log: one line per message, led by the time of day to the millisecond.</summary>
public static class ConsoleLogging
{
    /// <summary>The time stamp that leads every line.</summary>
    public const string TimestampFormat = "HH:mm:ss.fff ";

    /// <summary>Adds the console logger in the programs' single-line format.</summary>
    public static ILoggingBuilder AddSingleLineConsole(this ILoggingBuilder logging) =>
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = TimestampFormat;
        });
}
