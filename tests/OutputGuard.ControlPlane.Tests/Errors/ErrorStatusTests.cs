using System.Net.Sockets;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Errors;

/// <summary>
/// The one mapping from handler exceptions to statuses: refusals keep their status, outages are UNAVAILABLE with
/// a reason, anything else INTERNAL with a generic message that leaks nothing; never UNKNOWN; always bounded.
/// (The outages of a real database are tested against a MariaDB the tests stop: <see cref="StoreOutageTests"/>.)
/// </summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class ErrorStatusTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    public static TheoryData<Exception, StatusCode> Mappings => new()
    {
        { new EntryRejectedException(RejectionReason.Invalid, "entry.value is required"), StatusCode.InvalidArgument },
        { new EntryRejectedException(RejectionReason.NotFound, "entries/9 does not exist"), StatusCode.NotFound },
        { new EntryRejectedException(RejectionReason.Undeletable, "undeletable"), StatusCode.FailedPrecondition },
        { new RpcException(new Status(StatusCode.InvalidArgument, "hello.gateway_id is required")), StatusCode.InvalidArgument },
        { new RpcException(new Status(StatusCode.Unknown, "who knows")), StatusCode.Internal },
        { new SqliteException("database is locked", 5), StatusCode.Unavailable },
        { new SqliteException("disk I/O error", 10), StatusCode.Unavailable },
        { new SqliteException("near \"SELEC\": syntax error", 1), StatusCode.Internal },
        { new TimeoutException("pool"), StatusCode.Unavailable },
        { new InvalidOperationException("wrapper", new SocketException((int)SocketError.ConnectionRefused)), StatusCode.Unavailable },
        { new InvalidOperationException("Sequence contains no elements"), StatusCode.Internal },
        { new NullReferenceException(), StatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void Handler_exception_maps_to_the_status_that_fits_and_never_unknown(Exception exception, StatusCode expected)
    {
        var status = ErrorStatus.From(exception, callCancelled: false, "req-1", out _);

        Assert.Equal(expected, status.StatusCode);
        Assert.NotEqual(StatusCode.Unknown, status.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(status.Detail));
        Assert.DoesNotContain("Exception was thrown by handler", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Unexpected_exception_is_internal_with_a_request_id_and_without_its_own_text()
    {
        var status = ErrorStatus.From(new InvalidOperationException("secret connection string Password=hunter2"), false, "0HNABC:00000001", out var kind);

        Assert.Equal(FailureKind.Unexpected, kind);
        Assert.Contains("0HNABC:00000001", status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancelled_call_is_cancelled_not_an_outage()
    {
        var status = ErrorStatus.From(new OperationCanceledException(), callCancelled: true, "r", out var kind);

        Assert.Equal(StatusCode.Cancelled, status.StatusCode);
        Assert.Equal(FailureKind.Refusal, kind);
    }

    [Theory]
    [InlineData(70_000)]
    [InlineData(ErrorStatus.MaxMessageLength + 1)]
    public void Every_message_is_cut_to_the_bound(int length)
    {
        var status = ErrorStatus.From(new EntryRejectedException(RejectionReason.Invalid, new string('x', length)), false, "r", out _);

        Assert.True(status.Detail.Length <= ErrorStatus.MaxMessageLength, $"{status.Detail.Length} characters");
        Assert.EndsWith("(truncated)", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Cut_never_splits_a_surrogate_pair()
    {
        // The cut falls right after the high half of an emoji.
        var text = new string('x', ErrorStatus.MaxMessageLength - 14) + string.Concat(Enumerable.Repeat("😀", 50));

        var bounded = ErrorStatus.Bound(text);

        Assert.Equal(bounded, System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(bounded)));
    }

    [Fact]
    public async Task Huge_input_echoed_in_a_refusal_is_cut_and_the_connection_keeps_serving()
    {
        var channel = fixture.Server.Channel(TestTokens.Viewer);
        var client = new EntryService.EntryServiceClient(channel);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ListEntriesAsync(new ListEntriesRequest { PageToken = new string('Z', 70_000) }).ResponseAsync);
        var after = await client.ListEntriesAsync(new ListEntriesRequest());

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("page_token", e.Status.Detail, StringComparison.Ordinal);
        Assert.True(e.Status.Detail.Length <= ErrorStatus.MaxMessageLength);
        Assert.NotNull(after);
    }
}
