using System.Globalization;
using Grpc.Core;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Auth;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Sync;

/// <summary>
/// What a gateway may send on its stream, checked before anything is registered or written: ids of printable
/// ASCII, bounded host names and versions, no negative revisions or counts, and acks only of revisions the
/// stream was sent. A refusal is InvalidArgument with a message that names the field and the limit.
/// </summary>
public static class SyncInput
{
    /// <summary>The most destinations a gateway may say its kernel holds (far above any desired state).</summary>
    public const long MaxElementCount = 100_000_000;

    /// <summary>Throws InvalidArgument unless <paramref name="hello"/> is well-formed.</summary>
    public static void CheckHello(Hello hello)
    {
        ArgumentNullException.ThrowIfNull(hello);
        if (!GatewayScope.IsValidId(hello.GatewayId))
        {
            throw Invalid(string.Create(
                CultureInfo.InvariantCulture,
                $"hello.gateway_id {InputLimits.Quote(hello.GatewayId)} must be 1 to {InputLimits.MaxGatewayId} printable ASCII characters (no spaces or control characters)"));
        }

        CheckText("hello.hostname", hello.Hostname, InputLimits.MaxHostname);
        CheckText("hello.version", hello.Version, InputLimits.MaxVersion);
        CheckText("hello.store_id", hello.StoreId, InputLimits.MaxStoreId);
        if (hello.AppliedRevision < 0)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"hello.applied_revision {hello.AppliedRevision} is negative"));
        }

        CheckCount("hello.element_count", hello.ElementCount);
    }

    /// <summary>Throws InvalidArgument unless <paramref name="ack"/> acknowledges a revision this stream was sent.</summary>
    public static void CheckAck(Ack ack, long offeredRevision)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (ack.Revision < 0 || ack.Revision > offeredRevision)
        {
            throw Invalid(string.Create(
                CultureInfo.InvariantCulture,
                $"ack.revision {ack.Revision} was never sent on this stream (it was sent revisions up to {offeredRevision})"));
        }

        CheckCount("ack.element_count", ack.ElementCount);
    }

    private static void CheckText(string field, string value, int max)
    {
        if (value.Length > 0 && !InputLimits.IsPrintableAscii(value.Replace(' ', '_'), max))
        {
            throw Invalid(string.Create(
                CultureInfo.InvariantCulture,
                $"{field} {InputLimits.Quote(value)} must be at most {max} printable ASCII characters (it is {value.Length} long)"));
        }
    }

    private static void CheckCount(string field, long count)
    {
        if (count is < 0 or > MaxElementCount)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{field} {count} is not a count of destinations (0 to {MaxElementCount})"));
        }
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
