using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.State;

/// <summary>outputguard.v1.DesiredStateService.</summary>
public sealed class DesiredStateApi(IControlPlaneStore store) : DesiredStateService.DesiredStateServiceBase
{
    private const int MaxPage = 100_000;

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanRead)]
    public override async Task<DesiredState> GetDesiredState(GetDesiredStateRequest request, ServerCallContext context)
    {
        var size = PageTokens.Size(request.PageSize, MaxPage, MaxPage);
        var position = PageTokens.Decode("d", request.PageToken);
        var snapshot = await store.GetDesiredStateAsync(context.CancellationToken);
        long offset = 0;
        if (position != 0)
        {
            // The token carries the revision (high bits) and offset (low 32 bits) of the first page.
            var revision = position >> 32;
            offset = position & 0xFFFF_FFFF;
            if (revision != snapshot.Revision)
            {
                throw new EntryRejectedException(
                    RejectionReason.Invalid,
                    FormattableString.Invariant($"the desired state moved from revision {revision} to {snapshot.Revision} while paging; start again without page_token"));
            }
        }

        var response = new DesiredState
        {
            Revision = snapshot.Revision,
            TotalSize = snapshot.Destinations.Count,
            ChangeLogFloor = snapshot.ChangeLogFloor,
            RevisionTime = Timestamp.FromDateTimeOffset(snapshot.RevisionTime),
        };
        response.Destinations.AddRange(snapshot.Destinations.Skip((int)offset).Take(size).Select(d => d.ToProto()));
        if (offset + size < snapshot.Destinations.Count)
        {
            response.NextPageToken = PageTokens.Encode("d", (snapshot.Revision << 32) | (offset + size));
        }

        return response;
    }
}
