using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Store;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>outputguard.v1.EntryService: a thin adapter over <see cref="AllowList"/>, the resolver and the store.</summary>
public sealed class EntryApi(AllowList allowList, IControlPlaneStore store, DomainResolver resolver, Batch.BatchCreation batch, TimeProvider time) : EntryService.EntryServiceBase
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
        return await WithResolutionAsync(result.Entry!, context.CancellationToken);
    }

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanWrite)]
    public override Task<BatchCreateEntriesResponse> BatchCreateEntries(BatchCreateEntriesRequest request, ServerCallContext context) =>
        Batch.BatchEntries.CreateAsync(batch, request, context);

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanRead)]
    public override async Task<V1.Entry> GetEntry(GetEntryRequest request, ServerCallContext context)
    {
        var id = AllowList.ParseName(request.Name);
        var entry = await store.GetEntryAsync(id, context.CancellationToken)
            ?? throw new EntryRejectedException(RejectionReason.NotFound, $"{request.Name} does not exist");
        return await WithResolutionAsync(entry, context.CancellationToken);
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
        var shown = page.Take(size).ToList();
        var domains = shown.Where(DomainResolver.Resolves).Select(e => e.Id).ToList();
        var resolutions = await store.GetResolutionsAsync(domains, context.CancellationToken);
        response.Entries.AddRange(shown.Select(e => e.ToProto(resolutions.GetValueOrDefault(e.Id))));
        await Learning.LearnedAddressView.AttachAsync(store, shown.Zip(response.Entries), time.GetUtcNow(), context.CancellationToken);
        if (page.Count > size)
        {
            response.NextPageToken = PageTokens.Encode("e", page[size - 1].Id);
        }

        return response;
    }

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanWrite)]
    public override async Task<V1.Entry> UpdateEntry(UpdateEntryRequest request, ServerCallContext context)
    {
        if (request.Entry is null)
        {
            throw new EntryRejectedException(
                RejectionReason.Invalid, "entry is required: {\"entry\": {\"name\": \"entries/42\", \"ports\": [\"tcp/443\"]}, \"update_mask\": \"ports\"}");
        }

        var id = AllowList.ParseName(request.Entry.Name, "entry.name");
        var current = await store.GetEntryAsync(id, context.CancellationToken)
            ?? throw new EntryRejectedException(RejectionReason.NotFound, $"{request.Entry.Name} does not exist");
        var (ports, note) = EntryUpdateMask.Read(request.Entry, request.UpdateMask, current);
        var result = await allowList.UpdateAsync(id, ports, note, context.GetHttpContext().User.Identity!.Name!, context.CancellationToken);
        return await WithResolutionAsync(result.Entry!, context.CancellationToken);
    }

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanWrite)]
    public override async Task<Google.Protobuf.WellKnownTypes.Empty> DeleteEntry(DeleteEntryRequest request, ServerCallContext context)
    {
        var id = AllowList.ParseName(request.Name);
        await allowList.DeleteAsync(id, context.GetHttpContext().User.Identity!.Name!, context.CancellationToken);
        return new Google.Protobuf.WellKnownTypes.Empty();
    }

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanWrite)]
    public override async Task<ResolveEntryResponse> ResolveEntry(ResolveEntryRequest request, ServerCallContext context)
    {
        var id = AllowList.ParseName(request.Name);
        var entry = await store.GetEntryAsync(id, context.CancellationToken)
            ?? throw new EntryRejectedException(RejectionReason.NotFound, $"{request.Name} does not exist");
        if (entry.Kind != Entries.EntryKind.Domain)
        {
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition, $"{entry.Name} ('{entry.Value}') is an {entry.Kind.ToString().ToUpperInvariant()} entry; only domain entries are resolved"));
        }

        if (!DomainResolver.Resolves(entry))
        {
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition, $"{entry.Name} ('{entry.Value}') is a wildcard; wildcards are not resolved (they cannot be looked up)"));
        }

        var change = await resolver.ResolveNowAsync(entry, context.GetHttpContext().User.Identity!.Name!, context.CancellationToken);
        if (!change.EntryExists)
        {
            throw new EntryRejectedException(RejectionReason.NotFound, $"{request.Name} does not exist");
        }

        var response = new ResolveEntryResponse
        {
            Entry = await WithResolutionAsync(entry, context.CancellationToken),
            Revision = change.Revision,
            RevisionChanged = change.RevisionChanged,
        };
        response.Added.AddRange(change.Added.Select(a => a.ToString()));
        response.Removed.AddRange(change.Removed.Select(a => a.ToString()));
        response.EnteredGrace.AddRange(change.EnteredGrace.Select(a => a.ToString()));
        return response;
    }

    private async Task<V1.Entry> WithResolutionAsync(Entry entry, CancellationToken cancellationToken)
    {
        var proto = DomainResolver.Resolves(entry)
            ? entry.ToProto((await store.GetResolutionsAsync([entry.Id], cancellationToken)).GetValueOrDefault(entry.Id))
            : entry.ToProto(null);
        await Learning.LearnedAddressView.AttachAsync(store, [(entry, proto)], time.GetUtcNow(), cancellationToken);
        return proto;
    }
}
