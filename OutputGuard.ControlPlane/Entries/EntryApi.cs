using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Store;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>outputguard.v1.EntryService: a thin adapter over <see cref="AllowList"/> and the store.</summary>
public sealed class EntryApi(AllowList allowList, IControlPlaneStore store) : EntryService.EntryServiceBase
{
    private const int DefaultPage = 100;
    private const int MaxPage = 1000;

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanWrite)]
    public override async Task<V1.Entry> CreateEntry(CreateEntryRequest request, ServerCallContext context)
    {
        if (request.Entry is null)
        {
            throw new EntryRejectedException(RejectionReason.Invalid, "entry is required: {\"entry\": {\"value\": \"api.example.com\", \"ports\": [\"tcp/443\"]}}");
        }

        var user = context.GetHttpContext().User;
        var result = await allowList.CreateAsync(
            request.Entry.Value, request.Entry.Ports, request.Entry.Note, request.Entry.Undeletable,
            user.Identity!.Name!, user.IsInRole(Roles.Admin), context.CancellationToken);
        return result.Entry!.ToProto();
    }

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanRead)]
    public override async Task<V1.Entry> GetEntry(GetEntryRequest request, ServerCallContext context)
    {
        var id = AllowList.ParseName(request.Name);
        var entry = await store.GetEntryAsync(id, context.CancellationToken)
            ?? throw new EntryRejectedException(RejectionReason.NotFound, $"{request.Name} does not exist");
        return entry.ToProto();
    }

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanRead)]
    public override async Task<ListEntriesResponse> ListEntries(ListEntriesRequest request, ServerCallContext context)
    {
        var filter = EntryFilterParser.Parse(request.Filter);
        var size = PageTokens.Size(request.PageSize, DefaultPage, MaxPage);
        var after = PageTokens.Decode("e", request.PageToken);
        var page = await store.ListEntriesAsync(filter, after, size + 1, context.CancellationToken);
        var response = new ListEntriesResponse();
        response.Entries.AddRange(page.Take(size).Select(e => e.ToProto()));
        if (page.Count > size)
        {
            response.NextPageToken = PageTokens.Encode("e", page[size - 1].Id);
        }

        return response;
    }

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanWrite)]
    public override async Task<Google.Protobuf.WellKnownTypes.Empty> DeleteEntry(DeleteEntryRequest request, ServerCallContext context)
    {
        var id = AllowList.ParseName(request.Name);
        await allowList.DeleteAsync(id, context.GetHttpContext().User.Identity!.Name!, context.CancellationToken);
        return new Google.Protobuf.WellKnownTypes.Empty();
    }
}
