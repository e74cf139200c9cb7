using System.Net.WebSockets;
using OutputGuard.ControlPlane.State;
using OutputGuard.ControlPlane.Sync;

namespace OutputGuard.ControlPlane.Legacy;

/// <summary>
/// What one legacy gateway socket holds: the addresses sent to it and the revision they are at. It sends only
/// differences, one message per address, each within the write timeout (a socket that does not take one is aborted,
/// which ends its session and nobody else's).
/// </summary>
internal sealed class LegacyLink(WebSocket socket, GatewaySession session, TimeSpan writeTimeout)
{
    /// <summary>The addresses the gateway was sent (and not sent a del for since).</summary>
    public HashSet<string> Sent { get; } = new(StringComparer.Ordinal);

    /// <summary>The revision of what was sent.</summary>
    public long SentRevision { get; private set; }

    /// <summary>Sends the difference between what the gateway holds and <paramref name="addresses"/> (dels first).</summary>
    public async Task ReplaceAsync(long revision, HashSet<string> addresses, CancellationToken cancellationToken)
    {
        foreach (var gone in Sent.Where(a => !addresses.Contains(a)).ToList())
        {
            await SendAsync(gone, add: false, cancellationToken);
        }

        foreach (var added in addresses.Where(a => !Sent.Contains(a)).Order(StringComparer.Ordinal).ToList())
        {
            await SendAsync(added, add: true, cancellationToken);
        }

        SentRevision = revision;
        session.Offer(revision);
    }

    /// <summary>Sends one revision's changes (what a legacy gateway can hold of them).</summary>
    public async Task ApplyAsync(RevisionChange change, CancellationToken cancellationToken)
    {
        foreach (var address in change.Removed.Select(LegacyAddresses.Of).OfType<string>())
        {
            if (Sent.Contains(address))
            {
                await SendAsync(address, add: false, cancellationToken);
            }
        }

        foreach (var address in change.Added.Select(LegacyAddresses.Of).OfType<string>())
        {
            if (!Sent.Contains(address))
            {
                await SendAsync(address, add: true, cancellationToken);
            }
        }

        SentRevision = change.Revision;
        session.Offer(change.Revision);
    }

    private async Task SendAsync(string address, bool add, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(writeTimeout);
        await socket.SendAsync(LegacyJson.GatewayMessage(address, add), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        if (add)
        {
            Sent.Add(address);
        }
        else
        {
            Sent.Remove(address);
        }
    }
}
