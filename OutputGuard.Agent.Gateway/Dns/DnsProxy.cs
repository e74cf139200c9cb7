using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// The gateway's DNS proxy: UDP and TCP on each <see cref="DnsProxySettings.Listen"/> address. At start, before
/// anything listens, the saved rules and learned addresses are put back (the learned ones into the kernel), so a
/// restart does not cut what clients were told; then the sockets are bound (a bind failure stops the start, naming
/// the address). At most <see cref="MaxInFlight"/> queries are worked on at once (more UDP queries are dropped, as a
/// busy resolver does) and at most <see cref="MaxTcpConnections"/> TCP connections are open, each closed after
/// <see cref="TcpIdle"/> without a query. The learned state is saved at most once a second when it changed.
/// </summary>
public sealed partial class DnsProxy : BackgroundService
{
    /// <summary>Queries worked on at once.</summary>
    public const int MaxInFlight = 1024;

    /// <summary>Open TCP connections.</summary>
    public const int MaxTcpConnections = 256;

    /// <summary>How long a TCP connection may stay without a query.</summary>
    public static readonly TimeSpan TcpIdle = TimeSpan.FromSeconds(10);

    private readonly DnsProxySettings _settings;
    private readonly DnsQueryHandler _handler;
    private readonly DnsLearner _learner;
    private readonly DomainPolicy _policy;
    private readonly LearnedStateFile _file;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);
    private readonly SemaphoreSlim _tcpSlots = new(MaxTcpConnections, MaxTcpConnections);
    private readonly List<(Socket Socket, bool Tcp)> _sockets = [];
    private int _rulesChanged;

    /// <summary>Creates the proxy (nothing is bound until it starts).</summary>
    public DnsProxy(
        DnsProxySettings settings, DnsQueryHandler handler, DnsLearner learner, DnsSync sync, AllowListEnforcer enforcer, LearnedStateFile file, ILogger<DnsProxy> logger)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(enforcer);
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _learner = learner ?? throw new ArgumentNullException(nameof(learner));
        _policy = sync.Policy;
        _file = file ?? throw new ArgumentNullException(nameof(file));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _policy.Changed += () =>
        {
            Interlocked.Exchange(ref _rulesChanged, 1);
            try
            {
                _learner.Revoke(_policy.Rules);
            }
            catch (NetlinkException e)
            {
                LogRevokeFailed(_logger, e.Message);
            }
        };

        _learner.Recorded += sync.Report;
        sync.PeerLearned += records => Task.Run(() => AcceptPeer(records));

        // A repair recreates a learned set empty: put the live addresses back (off the enforcer's lock).
        enforcer.Repaired += _ => Task.Run(Reapply);
    }

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Restore();
        foreach (var endpoint in _settings.Listen)
        {
            _sockets.Add((Bind(endpoint, tcp: false), false));
            _sockets.Add((Bind(endpoint, tcp: true), true));
        }

        LogListening(_logger, string.Join(", ", _settings.Listen), string.Join(", ", _settings.Upstreams), _settings.Redirect);
        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var (socket, _) in _sockets)
        {
            socket.Dispose();
        }

        await base.StopAsync(cancellationToken);
        Save(force: true);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        foreach (var (socket, _) in _sockets)
        {
            socket.Dispose();
        }

        _inFlight.Dispose();
        _tcpSlots.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = _sockets.Select(s => s.Tcp ? AcceptLoopAsync(s.Socket, stoppingToken) : UdpLoopAsync(s.Socket, stoppingToken)).ToList();
        loops.Add(SaveLoopAsync(stoppingToken));
        return Task.WhenAll(loops);
    }

    private void Restore()
    {
        try
        {
            if (_file.Read() is not { } saved)
            {
                return;
            }

            if (!_policy.Loaded)
            {
                _policy.Replace(saved.Rules);
            }

            var live = _learner.Restore(saved.Learned);
            LogRestored(_logger, saved.Rules.Count, live, _file.Path);
        }
        catch (InvalidDataException e)
        {
            // Nothing is opened from a file that fails a check; the proxy learns again from the next answers.
            LogStateRefused(_logger, e.Message);
        }
        catch (NetlinkException e)
        {
            throw new InvalidOperationException($"dns: the learned addresses of {_file.Path} could not be put back in the kernel: {e.Message}", e);
        }
    }

    private static Socket Bind(IPEndPoint endpoint, bool tcp)
    {
        var socket = tcp
            ? new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(endpoint);
            if (tcp)
            {
                socket.Listen(MaxTcpConnections);
            }

            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidOperationException($"dns_listen {endpoint} ({(tcp ? "tcp" : "udp")}): {e.Message}", e);
        }
    }

    private async Task UdpLoopAsync(Socket socket, CancellationToken stoppingToken)
    {
        var buffer = new byte[UpstreamResolver.MaxMessage];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!stoppingToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP error of an earlier send (the client went away): keep serving.
                continue;
            }

            if (received.ReceivedBytes < DnsWire.HeaderLength || !_inFlight.Wait(0, CancellationToken.None))
            {
                continue;
            }

            // Served from here, not queued: it runs on this thread up to its first wait (the upstream's answer), so
            // a query costs no thread-pool hop before it is sent upstream.
            _ = ServeUdpAsync(socket, buffer[..received.ReceivedBytes], (IPEndPoint)received.RemoteEndPoint, stoppingToken);
        }
    }

    private async Task ServeUdpAsync(Socket socket, byte[] query, IPEndPoint client, CancellationToken stoppingToken)
    {
        try
        {
            var answer = await _handler.AnswerAsync(query, client.Address, tcp: false, stoppingToken);
            if (answer.Length > 0)
            {
                await socket.SendToAsync(answer, SocketFlags.None, client, stoppingToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopping, or the client's address is unreachable: nothing to answer.
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(stoppingToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (!_tcpSlots.Wait(0, CancellationToken.None))
            {
                connection.Dispose();
                continue;
            }

            _ = Task.Run(() => ServeTcpAsync(connection, stoppingToken), CancellationToken.None);
        }
    }

    private async Task ServeTcpAsync(Socket connection, CancellationToken stoppingToken)
    {
        try
        {
            connection.NoDelay = true;
            var client = ((IPEndPoint)connection.RemoteEndPoint!).Address;
            while (!stoppingToken.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                idle.CancelAfter(TcpIdle);
                var query = await TcpFraming.ReadAsync(connection, idle.Token);
                if (query is null || query.Length < DnsWire.HeaderLength)
                {
                    return;
                }

                await _inFlight.WaitAsync(stoppingToken);
                try
                {
                    var answer = await _handler.AnswerAsync(query, client, tcp: true, stoppingToken);
                    if (answer.Length == 0)
                    {
                        return;
                    }

                    await TcpFraming.WriteAsync(connection, answer, stoppingToken);
                }
                finally
                {
                    _inFlight.Release();
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
            // Idle, closed by the client, or stopping.
        }
        finally
        {
            connection.Dispose();
            _tcpSlots.Release();
        }
    }

    private async Task SaveLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Save(force: false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: StopAsync saves once more.
        }
    }

    private void Save(bool force)
    {
        var learned = _learner.TakeChanged();
        var rulesChanged = Interlocked.Exchange(ref _rulesChanged, 0) == 1;
        if (learned is null && !rulesChanged && !force)
        {
            return;
        }

        try
        {
            _file.Write(_policy.Rules, learned ?? _learner.Live());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(_logger, _file.Path, e.Message);
        }
    }

    private void AcceptPeer(IReadOnlyList<LearnedAddress> records)
    {
        try
        {
            LogPeerLearned(_logger, _learner.AcceptPeer(records));
        }
        catch (NetlinkException e)
        {
            LogReapplyFailed(_logger, e.Message);
        }
    }

    private void Reapply()
    {
        try
        {
            _learner.Reapply();
        }
        catch (NetlinkException e)
        {
            LogReapplyFailed(_logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DNS proxy listening on {Listen} (UDP and TCP), upstreams {Upstreams}, redirect {Redirect}")]
    private static partial void LogListening(ILogger logger, string listen, string upstreams, bool redirect);

    [LoggerMessage(Level = LogLevel.Information, Message = "DNS proxy: {Rules} domain rules and {Learned} live learned addresses put back from {Path}")]
    private static partial void LogRestored(ILogger logger, int rules, int learned, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "DNS proxy state refused, nothing of it applied: {Reason}")]
    private static partial void LogStateRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "DNS proxy state {Path} could not be written: {Error}")]
    private static partial void LogSaveFailed(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "DNS proxy: {Count} address(es) other gateways learned are allowed here too")]
    private static partial void LogPeerLearned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Learned addresses of deleted or changed entries could not be cut ({Error}); they age out after TTL + grace")]
    private static partial void LogRevokeFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Learned addresses could not be put back after a repair: {Error}")]
    private static partial void LogReapplyFailed(ILogger logger, string error);
}
