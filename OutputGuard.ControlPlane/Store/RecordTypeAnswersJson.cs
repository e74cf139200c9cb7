using System.Text.Json;
using OutputGuard.ControlPlane.Resolver;

namespace OutputGuard.ControlPlane.Store;

/// <summary>
/// The <c>resolution_status.answers</c> column: a lookup's answers per name server and record type, as
/// <c>[{"s":"192.0.2.53:53","t":"AAAA","o":"failed","n":0,"e":"REFUSED"}]</c>; bounded (at most
/// <see cref="MaxAnswers"/> answers, errors cut to <see cref="MaxErrorLength"/> characters).
/// </summary>
internal static class RecordTypeAnswersJson
{
    public const int MaxAnswers = 32;

    public const int MaxErrorLength = 300;

    public static string Write(IReadOnlyList<RecordTypeAnswer> answers) =>
        answers.Count == 0
            ? string.Empty
            : JsonSerializer.Serialize(answers.Take(MaxAnswers).Select(a => new Row(
                a.NameServer, a.RecordType, Name(a.Outcome), a.Addresses, a.Error.Length > MaxErrorLength ? a.Error[..MaxErrorLength] : a.Error)).ToList());

    public static IReadOnlyList<RecordTypeAnswer> Read(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            return (JsonSerializer.Deserialize<List<Row>>(json) ?? [])
                .Select(r => new RecordTypeAnswer(r.S ?? string.Empty, r.T ?? string.Empty, Parse(r.O), r.N, r.E ?? string.Empty))
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string Name(LookupOutcome outcome) => outcome switch
    {
        LookupOutcome.Answered => "answered",
        LookupOutcome.NxDomain => "nxdomain",
        _ => "failed",
    };

    private static LookupOutcome Parse(string? name) => name switch
    {
        "answered" => LookupOutcome.Answered,
        "nxdomain" => LookupOutcome.NxDomain,
        _ => LookupOutcome.Failed,
    };

    private sealed record Row(
        [property: System.Text.Json.Serialization.JsonPropertyName("s")] string? S,
        [property: System.Text.Json.Serialization.JsonPropertyName("t")] string? T,
        [property: System.Text.Json.Serialization.JsonPropertyName("o")] string? O,
        [property: System.Text.Json.Serialization.JsonPropertyName("n")] int N,
        [property: System.Text.Json.Serialization.JsonPropertyName("e")] string? E);
}
