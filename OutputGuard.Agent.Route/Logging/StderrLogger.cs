using System.Globalization;
using Microsoft.Extensions.Logging;

namespace OutputGuard.Agent.Route.Logging;

/// <summary>
/// A minimal logger for a small NativeAOT agent: one line per event on stderr,
/// "2026-11-26T00:01:02.345Z info  message", no providers, no configuration binding, no reflection.
/// </summary>
/// <param name="minimum">The lowest level written.</param>
/// <param name="writer">Where lines go (stderr by default).</param>
public sealed class StderrLogger(LogLevel minimum, TextWriter? writer = null) : ILogger
{
    private readonly TextWriter _writer = writer ?? Console.Error;
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var level = logLevel switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info ",
            LogLevel.Warning => "warn ",
            LogLevel.Error => "error",
            _ => "crit ",
        };
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {level} {formatter(state, exception)}{(exception is null ? "" : ": " + exception.Message)}");
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }
}
