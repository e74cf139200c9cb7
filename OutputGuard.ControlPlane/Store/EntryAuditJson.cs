using System.Text.Json;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Store;

/// <summary>The JSON of an entry in the audit log's before/after columns.</summary>
internal static class EntryAuditJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// <c>{"value":…,"kind":"ip","ports":["tcp/443"],"note":…,"undeletable":false,"createdBy":…,"createTime":"…Z"}</c>.
    /// </summary>
    public static string Of(Entry entry) =>
        JsonSerializer.Serialize(
            new Shape(
                entry.Value,
                entry.Kind.ToString().ToLowerInvariant(),
                entry.Ports.Select(p => p.ToString()).ToArray(),
                entry.Note,
                entry.Undeletable,
                entry.CreatedBy,
                entry.CreatedAt.ToUniversalTime()),
            Options);

    private sealed record Shape(
        string Value,
        string Kind,
        IReadOnlyList<string> Ports,
        string Note,
        bool Undeletable,
        string CreatedBy,
        DateTimeOffset CreateTime);
}
