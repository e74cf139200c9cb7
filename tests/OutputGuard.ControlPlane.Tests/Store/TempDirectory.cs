using Microsoft.Data.Sqlite;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>A uniquely named temporary directory for one test class, deleted with everything in it afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>The directory's full path.</summary>
    public string Path { get; } = Directory.CreateDirectory(
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "og-store-" + Guid.NewGuid().ToString("N")[..12])).FullName;

    /// <summary>A new, not yet existing sub-directory path.</summary>
    public string NewSubdirectory() => System.IO.Path.Combine(Path, Guid.NewGuid().ToString("N")[..12]);

    /// <inheritdoc />
    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
