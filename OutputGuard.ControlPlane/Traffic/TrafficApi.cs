using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Store;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Traffic;

/// <summary>outputguard.v1.TrafficService: the gateways' latest reports, summed.</summary>
public sealed class TrafficApi(IControlPlaneStore store) : TrafficService.TrafficServiceBase
{
    /// <inheritdoc />
    [Authorize(Policy = Roles.CanRead)]
    public override async Task<ListTrafficResponse> ListTraffic(ListTrafficRequest request, ServerCallContext context)
    {
        var rows = await store.ListTrafficAsync(
            string.IsNullOrEmpty(request.GatewayId) ? null : request.GatewayId, PageTokens.Size(request.PageSize, 100, 10_000), context.CancellationToken);
        var response = new ListTrafficResponse();
        response.Destinations.AddRange(rows.Select(r => r.ToProto()));
        return response;
    }

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanRead)]
    public override async Task<ListDeniedDestinationsResponse> ListDeniedDestinations(ListDeniedDestinationsRequest request, ServerCallContext context)
    {
        var rows = await store.ListDeniedAsync(
            string.IsNullOrEmpty(request.GatewayId) ? null : request.GatewayId, PageTokens.Size(request.PageSize, 100, 10_000), context.CancellationToken);
        var response = new ListDeniedDestinationsResponse();
        response.Denied.AddRange(rows.Select(r => r.ToProto()));
        return response;
    }
}
