using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Store;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Gateways;

/// <summary>outputguard.v1.GatewayService.</summary>
public sealed class GatewayApi(GatewayRegistry registry, IControlPlaneStore store) : GatewayService.GatewayServiceBase
{
    /// <inheritdoc />
    [Authorize(Policy = Roles.CanRead)]
    public override async Task<ListGatewaysResponse> ListGateways(ListGatewaysRequest request, ServerCallContext context)
    {
        var response = new ListGatewaysResponse { Revision = await store.GetRevisionAsync(context.CancellationToken) };
        response.Gateways.AddRange((await registry.ListAsync(context.CancellationToken)).Select(g => g.ToProto()));
        return response;
    }
}
