using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.Bench;

/// <summary>
/// The admin page in Debian's chromium (headless, through Playwright): the time from navigation to a rendered entries
/// table with N entries in the store, and the control plane's resident memory per connected page session (each its
/// own browser context and circuit) against an empty store. The control plane is a child process on SQLite.
/// </summary>
public static class AdminPageBench
{
    private const string Admin = "bench-admin-0123456789";
    private const int Navigations = 7;

    private const string Yaml = $$"""
        http_address: 127.0.0.1:0
        grpc_address: 127.0.0.1:0
        tokens:
          - { name: bench-admin, role: admin, secret: "{{Admin}}" }

        """;

    /// <summary>Prints the table: navigation times for each of <paramref name="sizes"/>, then memory for <paramref name="sessions"/> sessions.</summary>
    public static async Task RunAsync(IReadOnlyList<int> sizes, int sessions)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var rows = new List<string[]>();
        foreach (var size in sizes)
        {
            rows.Add(await NavigationAsync(browser, size));
        }

        rows.Add(await MemoryAsync(browser, sessions));
        Table.Print(
            $"OutputGuard admin page, chromium headless, SQLite, {Environment.ProcessorCount} cores: navigation to a rendered entries table ({Navigations} navigations, after one warm-up), memory per page session",
            ["measure", "entries", "first ms", "median ms", "max ms", "per session MB"],
            rows,
            textColumns: 1);
    }

    private static async Task<string[]> NavigationAsync(IBrowser browser, int size)
    {
        await using var backend = await BenchStores.CreateAsync("sqlite");
        await using var server = await ControlPlaneProcess.StartAsync(StreamMemoryBench.Quiet, "--config", backend.WriteConfig(Yaml));
        await FillAsync(backend, size);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await SignInAsync(context, server);
        var url = new Uri(server.HttpUri, "entries").ToString();
        var times = new List<double>();
        for (var i = 0; i <= Navigations; i++)
        {
            await page.GotoAsync(new Uri(server.HttpUri, "audit").ToString());
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(url);
            await page.Locator("[data-testid=entries-table] tbody tr").First.WaitForAsync(new() { Timeout = 60_000 });
            await page.GetByTestId("entry-count").Filter(new() { HasText = "of" }).WaitForAsync(new() { Timeout = 60_000 });
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        await context.CloseAsync();
        var measured = times.Skip(1).Order().ToList();
        return ["navigation → entries table", N(size), Ms(times[0]), Ms(measured[measured.Count / 2]), Ms(measured[^1]), "—"];
    }

    private static async Task<string[]> MemoryAsync(IBrowser browser, int sessions)
    {
        await using var backend = await BenchStores.CreateAsync("sqlite");
        await using var server = await ControlPlaneProcess.StartAsync(StreamMemoryBench.Quiet, "--config", backend.WriteConfig(Yaml));
        // One session first, so that what every session shares (compiled components, pools) is in the baseline.
        var contexts = new List<IBrowserContext>();
        try
        {
            contexts.Add(await browser.NewContextAsync());
            await SignInAsync(contexts[0], server);
            var before = await server.SettledResidentMegabytesAsync();
            for (var i = 0; i < sessions; i++)
            {
                var context = await browser.NewContextAsync();
                contexts.Add(context);
                await SignInAsync(context, server);
            }

            var with = await server.SettledResidentMegabytesAsync();
            return [$"memory, {sessions} page sessions (RSS {before:0} → {with:0} MB)", "0", "—", "—", "—", ((with - before) / sessions).ToString("0.00", CultureInfo.InvariantCulture)];
        }
        finally
        {
            foreach (var context in contexts)
            {
                await context.CloseAsync();
            }
        }
    }

    private static async Task<IPage> SignInAsync(IBrowserContext context, ControlPlaneProcess server)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server.HttpUri, "signin?return=%2Fentries").ToString());
        await page.GetByLabel("Token").FillAsync(Admin);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("main[data-interactive='true']").WaitForAsync(new() { Timeout = 60_000 });
        return page;
    }

    /// <summary>Writes <paramref name="count"/> IP entries straight into the store (the page reads the entries table; the API would take minutes).</summary>
    private static async Task FillAsync(ProcessBackend backend, int count)
    {
        const int Chunk = 5_000;
        for (var start = 0; start < count; start += Chunk)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await backend.ExecuteAsync(
                "INSERT INTO entries (value, kind, ports, note, undeletable, created_by, created_at, suppressed_by) " +
                "VALUES (@Value, 2, 'tcp/443', @Note, 0, 'bench', @Now, '')",
                Enumerable.Range(start, Math.Min(Chunk, count - start)).Select(i => new
                {
                    Value = string.Create(CultureInfo.InvariantCulture, $"2001:db8:{i / 65536:x}:{i % 65536:x}::1/128"),
                    Note = string.Create(CultureInfo.InvariantCulture, $"bench entry {i}"),
                    Now = now,
                }));
        }
    }

    private static string N(int n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => ms.ToString("0", CultureInfo.InvariantCulture);
}
