using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Route.Configuration;
using OutputGuard.Agent.Route.Logging;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Route.Gateways;

/// <summary>
/// Probes each gateway with a TCP connect to one port. A gateway leaves the multipath set after a number of
/// consecutive failed probes and rejoins after one that succeeds; every change is logged and reported through
/// the callback so the routes follow at once.
/// </summary>
public sealed class GatewayHealth
{
    private readonly IReadOnlyList<GatewayAddress> _gateways;
    private readonly int _port;
    private readonly TimeSpan _interval;
    private readonly int _failuresToDown;
    private readonly string? _netns;
    private readonly ILogger _logger;
    private readonly Action _changed;
    private readonly ConcurrentDictionary<GatewayAddress, bool> _alive = new();
    private readonly ConcurrentDictionary<GatewayAddress, long> _scopes = new();

    /// <summary>Creates the probe; every gateway starts as alive.</summary>
    public GatewayHealth(
        IReadOnlyList<GatewayAddress> gateways, int port, TimeSpan interval, int failuresToDown, string? netns, ILogger logger, Action changed)
    {
        _gateways = gateways;
        _port = port;
        _interval = interval;
        _failuresToDown = failuresToDown;
        _netns = netns;
        _logger = logger;
        _changed = changed;
        foreach (var g in gateways)
        {
            _alive[g] = true;
        }
    }

    /// <summary>Whether the gateway answered recently enough to stay in the set.</summary>
    public bool IsAlive(GatewayAddress gateway) => _alive.GetValueOrDefault(gateway, true);

    /// <summary>Tells the probe which interface a link-local gateway is on (its scope id).</summary>
    public void UpdateLinks(IEnumerable<OnLinkGateway> gateways)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        foreach (var g in gateways)
        {
            _scopes[g.Gateway] = g.LinkIndex;
        }
    }

    /// <summary>Probes every gateway until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_gateways.Select(g => Task.Run(() => ProbeLoopAsync(g, cancellationToken), cancellationToken)));

    /// <summary>One TCP connect with a deadline; null when it succeeded, else why not.</summary>
    public async Task<string?> ProbeOnceAsync(GatewayAddress gateway, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var address = gateway.Address;
        if (address.IsIPv6LinkLocal && _scopes.TryGetValue(gateway, out var scope))
        {
            address = new IPAddress(address.GetAddressBytes(), scope);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_interval < TimeSpan.FromSeconds(2) ? _interval : TimeSpan.FromSeconds(2));
        try
        {
            using var socket = _netns is null
                ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                : NetworkNamespace.Run(_netns, () => new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
            await socket.ConnectAsync(new IPEndPoint(address, _port), timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no answer in time";
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode.ToString();
        }
        catch (IOException ex)
        {
            return ex.Message;
        }
        catch (NetlinkException ex)
        {
            // The namespace could not be entered (setns failed): the gateway cannot be probed from there.
            return ex.Message;
        }
    }

    private async Task ProbeLoopAsync(GatewayAddress gateway, CancellationToken cancellationToken)
    {
        var failures = 0;
        using var timer = new PeriodicTimer(_interval);
        do
        {
            var error = await ProbeOnceAsync(gateway, cancellationToken).ConfigureAwait(false);
            if (error is null)
            {
                failures = 0;
                if (!_alive[gateway])
                {
                    _alive[gateway] = true;
                    Log.GatewayUp(_logger, gateway.ToString(), _port);
                    _changed();
                }
            }
            else if (++failures >= _failuresToDown && _alive[gateway])
            {
                _alive[gateway] = false;
                Log.GatewayDown(_logger, gateway.ToString(), _port, failures, error);
                _changed();
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }
}
