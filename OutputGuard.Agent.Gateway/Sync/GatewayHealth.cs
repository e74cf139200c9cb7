using Microsoft.AspNetCore.Http;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// <c>/healthz</c>: <c>revision N state S table ok</c> with 200, or 503 with what is wrong while the kernel table is
/// missing or not what the gateway applied (a repair failing). A disconnected control plane is not unhealthy: the
/// gateway keeps enforcing its last state.
/// </summary>
public static class GatewayHealth
{
    /// <summary>The answer for <paramref name="status"/>; <paramref name="observe"/> adds <c>mode observe</c>.</summary>
    public static IResult Answer(GatewayStatus status, bool observe)
    {
        ArgumentNullException.ThrowIfNull(status);
        var line = FormattableString.Invariant($"revision {status.Revision} state {status.State}")
            + (observe ? " mode observe (traffic that is not allowed passes)" : string.Empty);
        return status.TableHealthy
            ? Results.Text($"{line} table ok\n")
            : Results.Text($"{line} table unhealthy: {status.TableProblem}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
