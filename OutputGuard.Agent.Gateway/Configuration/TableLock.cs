using System.Globalization;

namespace OutputGuard.Agent.Gateway.Configuration;

/// <summary>
/// One gateway per network namespace owns the table: an exclusive lock (flock(2), which .NET takes for
/// <see cref="FileShare.None"/> on Linux) on <c>/run/outputguard/gateway-net-INODE.lock</c>, held for the
/// process's life and released by the kernel when it exits, however it exits. The holder writes its PID into the
/// file; a contender, which cannot open the locked file, finds the holder in /proc/locks.
/// </summary>
public sealed class TableLock : IDisposable
{
    /// <summary>Where the locks live (systemd: <c>RuntimeDirectory=outputguard</c>).</summary>
    public const string Directory = "/run/outputguard";

    private readonly FileStream _stream;

    private TableLock(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>The lock file of a namespace.</summary>
    public static string PathFor(string namespaceId) => System.IO.Path.Combine(Directory, $"gateway-{namespaceId}.lock");

    /// <summary>
    /// Takes the lock of <paramref name="namespaceId"/>, or returns null with the holder's PID (null when it cannot be
    /// found) when another process holds it. Throws <see cref="IOException"/> when the lock file cannot be made.
    /// </summary>
    public static TableLock? TryAcquire(string namespaceId, out int? holder)
    {
        var path = PathFor(namespaceId);
        holder = null;
        System.IO.Directory.CreateDirectory(Directory);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            holder = FindHolder(path);
            return null;
        }

        stream.SetLength(0);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        stream.Flush(flushToDisk: false);
        return new TableLock(path, stream);
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    /// <summary>The PID of the process whose open file holds a flock on <paramref name="path"/>, from /proc/locks and /proc/PID/fd.</summary>
    private static int? FindHolder(string path)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/locks"))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 5 || fields[1] != "FLOCK" || !int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }

                var fds = $"/proc/{pid}/fd";
                if (System.IO.Directory.Exists(fds) && System.IO.Directory.EnumerateFiles(fds).Any(fd => new FileInfo(fd).LinkTarget == path))
                {
                    return pid;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The holder stays unnamed; the lock is still refused.
        }

        return null;
    }
}
