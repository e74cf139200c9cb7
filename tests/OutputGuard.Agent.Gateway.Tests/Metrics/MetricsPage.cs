using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OutputGuard.Agent.Gateway.Tests.Metrics;

/// <summary>The series of one metric on a Prometheus text page, and the kernel's counters of a set (nft -j, the oracle).</summary>
public static partial class MetricsPage
{
    /// <summary>Every series of <paramref name="name"/>: its labels and value.</summary>
    public static List<(Dictionary<string, string> Labels, double Value)> Series(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<(Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n'))
        {
            var m = Line().Match(line);
            if (!m.Success || m.Groups[1].Value != name)
            {
                continue;
            }

            var labels = Label().Matches(m.Groups[2].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            result.Add((labels, double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
        }

        return result;
    }

    /// <summary>The value of <paramref name="name"/> with <paramref name="label"/>=<paramref name="value"/> and type <paramref name="type"/>, or null.</summary>
    public static double? Value(string text, string name, string label, string value, string type) =>
        Series(text, name).Where(s => s.Labels.GetValueOrDefault(label) == value && s.Labels.GetValueOrDefault("type") == type)
            .Select(s => (double?)s.Value).FirstOrDefault();

    /// <summary>The sum of the bytes (or packets) counters of every element of a set in the gateway's table.</summary>
    public static ulong KernelSum(string netns, string set, string what = "bytes")
    {
        var json = Tool.In(netns, "nft", "-j", "list", "set", "inet", "outputguard", set);
        using var doc = JsonDocument.Parse(json);
        ulong sum = 0;
        Walk(doc.RootElement);
        return sum;

        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name == "counter" && p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty(what, out var v))
                    {
                        sum += v.GetUInt64();
                    }
                    else
                    {
                        Walk(p.Value);
                    }
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }
    }

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")]
    private static partial Regex Line();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"")]
    private static partial Regex Label();
}
