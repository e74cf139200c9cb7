using System.Globalization;
using System.Text;
using OutputGuard.ControlPlane.Admin.Queries;

namespace OutputGuard.ControlPlane.Admin.Components.Shared;

/// <summary>
/// Draws the traffic history as SVG on the server: bytes per minute sent and received (the differences between
/// consecutive samples of the totals; a counter that went down, a gateway restarted or pruned, counts as 0).
/// </summary>
public static class TrafficChart
{
    /// <summary>Chart width in SVG units.</summary>
    public const int Width = 720;

    /// <summary>Chart height in SVG units.</summary>
    public const int Height = 220;

    private const int Left = 64;
    private const int Bottom = 28;
    private const int Top = 12;

    /// <summary>One point per sample interval: the time and bytes sent and received since the sample before.</summary>
    public static IReadOnlyList<(DateTimeOffset At, double Sent, double Received)> Rates(IReadOnlyList<TrafficSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var totals = samples.Where(s => s.DestinationKey.Length == 0).OrderBy(s => s.At).ToList();
        var points = new List<(DateTimeOffset, double, double)>();
        for (var i = 1; i < totals.Count; i++)
        {
            points.Add((totals[i].At, Math.Max(0, totals[i].OutputBytes - totals[i - 1].OutputBytes), Math.Max(0, totals[i].InputBytes - totals[i - 1].InputBytes)));
        }

        return points;
    }

    /// <summary>The SVG markup (self-contained, no script) for <paramref name="rates"/>.</summary>
    public static string Svg(IReadOnlyList<(DateTimeOffset At, double Sent, double Received)> rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        var max = Math.Max(1, rates.Count == 0 ? 1 : rates.Max(r => Math.Max(r.Sent, r.Received)));
        var plotWidth = Width - Left - 8;
        var plotHeight = Height - Top - Bottom;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\">");
        svg.Append("<title id=\"chart-title\">Bytes per minute, sent and received, over the last day</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" class=\"plot\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var y = Top + (plotHeight * i / 4.0);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotWidth}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" class=\"grid\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" class=\"axis\" text-anchor=\"end\">{Escape(Format.Bytes(max * (4 - i) / 4.0))}</text>");
        }

        if (rates.Count > 0)
        {
            var first = rates[0].At;
            var span = Math.Max(1, (rates[^1].At - first).TotalSeconds);
            double X(DateTimeOffset at) => rates.Count == 1 ? Left + (plotWidth / 2.0) : Left + (plotWidth * (at - first).TotalSeconds / span);
            double Y(double v) => Top + plotHeight - (plotHeight * v / max);
            foreach (var (name, pick) in new (string, Func<(DateTimeOffset At, double Sent, double Received), double>)[] { ("sent", r => r.Sent), ("received", r => r.Received) })
            {
                var path = string.Join(' ', rates.Select(r => string.Create(CultureInfo.InvariantCulture, $"{X(r.At):0.#},{Y(pick(r)):0.#}")));
                svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{path}\" class=\"line {name}\"/>");
                foreach (var r in rates.Count <= 60 ? rates : [])
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(r.At):0.#}\" cy=\"{Y(pick(r)):0.#}\" r=\"2.5\" class=\"dot {name}\"/>");
                }
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - 8}\" class=\"axis\">{Escape(first.UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotWidth}\" y=\"{Height - 8}\" class=\"axis\" text-anchor=\"end\">{Escape(rates[^1].At.UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture))}</text>");
        }
        else
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (plotWidth / 2)}\" y=\"{Top + (plotHeight / 2)}\" class=\"axis\" text-anchor=\"middle\">Not enough samples yet (one a minute)</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Escape(string text) => System.Net.WebUtility.HtmlEncode(text);
}
