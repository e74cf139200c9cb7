using Grpc.Core;
using OutputGuard.ControlPlane.Api;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Batch;

/// <summary>EntryService.BatchCreateEntries: the wire messages to and from <see cref="BatchCreation"/>.</summary>
public static class BatchEntries
{
    /// <summary>Creates the request's entries as the caller.</summary>
    public static async Task<BatchCreateEntriesResponse> CreateAsync(BatchCreation batch, BatchCreateEntriesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var user = context.GetHttpContext().User;
        var items = request.Entries.Select(e => new BatchItem(e.Value, e.Ports, e.Note, e.Undeletable)).ToList();
        var result = await batch.CreateAsync(items, request.AllOrNothing, user.Identity!.Name!, user.IsInRole(Roles.Admin), context.CancellationToken);
        var response = new BatchCreateEntriesResponse { Revision = result.Revision };
        response.Results.AddRange(result.Items.Select(r => new BatchCreateEntryResult
        {
            Entry = r.Entry?.ToProto(),
            Created = r.Created,
            Code = r.Refusal is { } reason ? (int)(ErrorStatus.StatusOf(reason) ?? StatusCode.InvalidArgument) : 0,
            Error = ErrorStatus.Bound(r.Error ?? string.Empty),
        }));
        return response;
    }
}
