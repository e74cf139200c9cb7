using System.Globalization;
using System.Text.Json;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Legacy;

/// <summary>
/// <c>GET /show-all</c>: <c>{"Records": [{"ID", "Types", "IP", "Name", "IsNoDel", "IsLocalNet", "CreatedAt"}]}</c>, one
/// record per address as the replaced system kept them — an IP or CIDR entry is one record (Types "IP", Name ""), a
/// domain entry one record per published resolved address (Types "Domain", Name the domain; one record with IP ""
/// while it has none). ID is the entry's id; IsLocalNet is true for an entry the internal ranges came to cover.
/// Entries are read and written page by page, so the answer streams in bounded memory.
/// </summary>
public static class LegacyRecordWriter
{
    private const int PageSize = 500;

    /// <summary>Streams every entry's records to the response.</summary>
    public static async Task WriteAllAsync(HttpContext context, IControlPlaneStore store)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        var cancellationToken = context.RequestAborted;

        // The first page is read before anything is written, so that a store outage can still answer an error.
        var page = await store.ListEntriesAsync(new EntryFilter(), 0, PageSize, cancellationToken);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body, LegacyJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartArray("Records");
        while (page.Count > 0)
        {
            var domains = page.Where(DomainResolver.Resolves).Select(e => e.Id).ToList();
            var resolutions = await store.GetResolutionsAsync(domains, cancellationToken);
            foreach (var entry in page)
            {
                if (entry.Kind == EntryKind.Domain)
                {
                    var addresses = resolutions.GetValueOrDefault(entry.Id)?.Addresses.Select(a => a.Address.ToString()).ToList() ?? [];
                    foreach (var address in addresses.Count == 0 ? [string.Empty] : addresses)
                    {
                        WriteRecord(writer, entry, "Domain", address, entry.Value);
                    }
                }
                else
                {
                    WriteRecord(writer, entry, "IP", LegacyAddresses.Text(entry.Value), string.Empty);
                }
            }

            await writer.FlushAsync(cancellationToken);
            page = page.Count < PageSize ? [] : await store.ListEntriesAsync(new EntryFilter(), page[^1].Id, PageSize, cancellationToken);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    private static void WriteRecord(Utf8JsonWriter writer, Entry entry, string types, string ip, string name)
    {
        writer.WriteStartObject();
        writer.WriteNumber("ID", entry.Id);
        writer.WriteString("Types", types);
        writer.WriteString("IP", ip);
        writer.WriteString("Name", name);
        writer.WriteBoolean("IsNoDel", entry.Undeletable);
        writer.WriteBoolean("IsLocalNet", entry.SuppressedBy is not null);
        writer.WriteString("CreatedAt", entry.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }
}
