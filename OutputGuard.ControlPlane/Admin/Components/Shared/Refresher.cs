using Microsoft.AspNetCore.Components;

namespace OutputGuard.ControlPlane.Admin.Components.Shared;

/// <summary>
/// A page that reloads what it shows every few seconds while it is open (gateways catching up, traffic growing),
/// on the circuit's own dispatcher; the timer ends with the page.
/// </summary>
public abstract class Refresher : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _closing = new();
    private Task? _loop;

    /// <summary>Time between reloads.</summary>
    protected virtual TimeSpan RefreshInterval => TimeSpan.FromSeconds(2);

    /// <summary>Cancelled when the page closes.</summary>
    protected CancellationToken Closing => _closing.Token;

    /// <summary>Loads what the page shows.</summary>
    protected abstract Task LoadAsync();

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _loop = RefreshAsync();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _closing.Cancel();
        _closing.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task RefreshAsync()
    {
        try
        {
            using var timer = new PeriodicTimer(RefreshInterval);
            while (await timer.WaitForNextTickAsync(_closing.Token))
            {
                await InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
