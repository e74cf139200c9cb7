using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Audit;

/// <summary>outputguard.v1.AuditService.</summary>
public sealed class AuditApi(IControlPlaneStore store) : AuditService.AuditServiceBase
{
    /// <inheritdoc />
    [Authorize(Policy = Roles.CanRead)]
    public override async Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context)
    {
        var size = PageTokens.Size(request.PageSize, 100, 1000);
        var before = PageTokens.Decode("a", request.PageToken);
        var filter = new AuditFilter(
            string.IsNullOrEmpty(request.Actor) ? null : request.Actor,
            string.IsNullOrEmpty(request.Entry) ? null : AllowList.ParseName(request.Entry),
            request.StartTime?.ToDateTimeOffset(),
            request.EndTime?.ToDateTimeOffset());
        var page = await store.ListAuditEventsAsync(filter, before, size + 1, context.CancellationToken);
        var response = new ListAuditEventsResponse();
        response.Events.AddRange(page.Take(size).Select(a => a.ToProto()));
        if (page.Count > size)
        {
            response.NextPageToken = PageTokens.Encode("a", page[size - 1].Id);
        }

        return response;
    }
}
