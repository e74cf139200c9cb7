using OutputGuard.ControlPlane.Sync;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Learning;

/// <summary>Sends a session the domain rules when it asked for them and has not had this version yet.</summary>
public static class DomainRuleSender
{
    /// <summary>Writes the current list with <paramref name="write"/> when the session wants it and it is newer than what it had.</summary>
    public static async Task SendIfNewAsync(
        DomainRuleSource source, GatewaySession session, Func<ControlMessage, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(write);
        if (!source.IsSubscribed(session))
        {
            return;
        }

        var (version, rules) = source.Current;
        if (version == 0)
        {
            // Not read yet: the first read announces itself.
            version = await source.RefreshAsync(cancellationToken);
            (version, rules) = source.Current;
        }

        if (version <= session.DomainRulesSent)
        {
            return;
        }

        await write(new ControlMessage { DomainRules = rules }, cancellationToken);
        session.DomainRulesSent = version;
    }
}
