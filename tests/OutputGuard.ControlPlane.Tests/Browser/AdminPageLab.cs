using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Microsoft.Playwright;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Browser;

/// <summary>
/// The admin page in a real browser: the control plane as a child process on loopback (embedded SQLite, one token
/// of each role, the documentation ranges public) and Debian's chromium driven headless by Playwright (never a
/// browser of Playwright's own). Shared by the browser test classes; torn down even when a test fails.
/// </summary>
public sealed class AdminPageLab : IAsyncLifetime
{
    /// <summary>Laptop width.</summary>
    public const int Laptop = 1280;

    /// <summary>Phone width.</summary>
    public const int Phone = 390;

    private ProcessBackend? _backend;
    private IPlaywright? _playwright;

    public ControlPlaneProcess Server { get; private set; } = null!;

    public ProcessBackend Backend => _backend!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The folder the screenshots and the axe report go to (artifacts/browser-tests).</summary>
    public static string ArtifactsFolder { get; } = Path.Combine(RepositoryRoot.Find(), "artifacts", "browser-tests");

    public async Task InitializeAsync()
    {
        _backend = await ProcessBackend.CreateAsync("sqlite", () => throw new InvalidOperationException("SQLite needs no database"));
        Server = await ControlPlaneProcess.StartAsync("--config", _backend.WriteConfig($$"""
            http_address: 127.0.0.1:0
            grpc_address: 127.0.0.1:0
            treat_as_public: ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"]
            resolver_name_servers: ["127.0.0.1:9"]
            tokens:
              - { name: ops-admin, role: admin, secret: "{{TestTokens.Admin}}" }
              - { name: ops-editor, role: editor, secret: "{{TestTokens.Editor}}" }
              - { name: ops-viewer, role: viewer, secret: "{{TestTokens.Viewer}}" }
              - { name: gw, role: gateway, secret: "{{TestTokens.Gateway}}", gateway_ids: ["gw-*"] }

            """));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    /// <summary>A gRPC channel with <paramref name="token"/>.</summary>
    public GrpcChannel Channel(string token) => TestChannels.WithToken(Server.GrpcUri, token);

    /// <summary>The page's address for <paramref name="path"/> ("entries").</summary>
    public string Url(string path) => new Uri(Server.HttpUri, path).ToString();

    /// <summary>A new browser context <paramref name="width"/> wide, signed in with <paramref name="token"/>, on <paramref name="path"/> once it is interactive.</summary>
    public async Task<IPage> SignedInPageAsync(string token, string path = "", int width = Laptop)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("signin?return=" + Uri.EscapeDataString("/" + path)));
        await page.GetByLabel("Token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await InteractiveAsync(page);
        return page;
    }

    /// <summary>Waits until the page's circuit is connected and its content rendered.</summary>
    public static async Task InteractiveAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.Locator("main[data-interactive='true']").WaitForAsync(new() { Timeout = 20_000 });
    }

    /// <summary>Creates an entry through the API (as the admin), returning it.</summary>
    public async Task<V1.Entry> CreateEntryAsync(string value, string[]? ports = null, bool undeletable = false, string note = "")
    {
        using var channel = Channel(TestTokens.Admin);
        var entry = new V1.Entry { Value = value, Note = note, Undeletable = undeletable };
        entry.Ports.AddRange(ports ?? []);
        return await new EntryService.EntryServiceClient(channel).CreateEntryAsync(new CreateEntryRequest { Entry = entry });
    }

    /// <summary>Every entry whose value contains <paramref name="text"/>, through the API.</summary>
    public async Task<List<V1.Entry>> EntriesAsync(string text)
    {
        using var channel = Channel(TestTokens.Admin);
        var list = await new EntryService.EntryServiceClient(channel).ListEntriesAsync(new ListEntriesRequest { Filter = "value:" + text, PageSize = 1000 });
        return list.Entries.ToList();
    }

    /// <summary>Every audit event, through the API.</summary>
    public async Task<List<V1.AuditEvent>> AuditAsync()
    {
        using var channel = Channel(TestTokens.Admin);
        var list = await new AuditService.AuditServiceClient(channel).ListAuditEventsAsync(new ListAuditEventsRequest { PageSize = 1000 });
        return list.Events.ToList();
    }

    /// <summary>A gateway's sync stream (a test client), connected with <paramref name="appliedRevision"/>.</summary>
    public Task<(GrpcChannel Channel, SyncClient Client)> ConnectGatewayAsync(string gatewayId, long appliedRevision) =>
        ConnectGatewayAsync(new Hello { GatewayId = gatewayId, Hostname = "test-host", Version = "test", AppliedRevision = appliedRevision });

    /// <summary>A gateway's sync stream (a test client) that sent <paramref name="hello"/>.</summary>
    public async Task<(GrpcChannel Channel, SyncClient Client)> ConnectGatewayAsync(Hello hello)
    {
        var channel = Channel(TestTokens.Gateway);
        var client = await SyncClient.ConnectAsync(channel, hello);
        return (channel, client);
    }

    /// <summary>A traffic report with <paramref name="denied"/> destinations and some allowed traffic.</summary>
    public static TrafficReport Report(IEnumerable<DeniedDestination> denied, IEnumerable<DestinationTraffic>? traffic = null)
    {
        var report = new TrafficReport { Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        report.Denied.AddRange(denied);
        report.Destinations.AddRange(traffic ?? []);
        return report;
    }

    /// <summary>Appends a line to the artifacts folder's report and returns the folder.</summary>
    public static string WriteArtifact(string name, string text)
    {
        Directory.CreateDirectory(ArtifactsFolder);
        var path = Path.Combine(ArtifactsFolder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs axe-core (the npm package, injected into the page); returns the serious and critical violations as text.</summary>
    public static async Task<(List<string> Serious, int All)> AxeAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = AxeScript() });
        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const r = await axe.run(document, { resultTypes: ['violations'] });
              return r.violations.map(v => ({ id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }));
            }
            """);
        var serious = new List<string>();
        var all = 0;
        foreach (var v in result.EnumerateArray())
        {
            all++;
            var impact = v.GetProperty("impact").GetString();
            if (impact is "serious" or "critical")
            {
                serious.Add($"{impact} {v.GetProperty("id").GetString()}: {v.GetProperty("help").GetString()} at {string.Join(" | ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))}");
            }
        }

        return (serious, all);
    }

    /// <summary>axe.min.js of the npm package axe-core, installed by .ci/run into Browser/axe/node_modules.</summary>
    public static string AxeScript()
    {
        var path = Path.Combine(RepositoryRoot.Find(), "tests", "OutputGuard.ControlPlane.Tests", "Browser", "axe", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run 'npm install --prefix tests/OutputGuard.ControlPlane.Tests/Browser/axe' (.ci/run does)");
    }
}
