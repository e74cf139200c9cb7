using System.Security.Cryptography.X509Certificates;
using OutputGuard.ControlPlane.Auth;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Store.MySql;

namespace OutputGuard.ControlPlane.Hosting;

/// <summary>
/// What the control plane's services are built from, opened before the host exists: the certificate, the entry
/// validator, the store (migrated, its internal entries reconciled) and the token registry (with a token created now
/// when none is configured).
/// </summary>
public sealed class ControlPlaneResources
{
    private ControlPlaneResources(ControlPlaneOptions options, TimeProvider time)
    {
        Options = options;
        Time = time;
    }

    /// <summary>The validated options.</summary>
    public ControlPlaneOptions Options { get; }

    /// <summary>The clock of the store, the resolver and the traffic writer.</summary>
    public TimeProvider Time { get; }

    /// <summary>The TLS certificate; null for cleartext.</summary>
    public X509Certificate2? Certificate { get; private init; }

    /// <summary>The entry validator (its internal ranges).</summary>
    public EntryValidator Validator { get; private init; } = null!;

    /// <summary>The MySQL/MariaDB connection string; null on the embedded SQLite store.</summary>
    public string? MySqlConnectionString { get; private init; }

    /// <summary>The opened, migrated store.</summary>
    public IControlPlaneStore Store { get; private init; } = null!;

    /// <summary>What reconciling the internal entries changed (logged once the host has a logger).</summary>
    public SuppressionChange Suppression { get; private init; } = null!;

    /// <summary>The tokens.</summary>
    public TokenRegistry Tokens { get; private init; } = null!;

    /// <summary>The secret of a token created now (print it once), else null.</summary>
    public string? CreatedToken { get; private init; }

    /// <summary>
    /// Loads the certificate, opens and migrates the store, makes sure a token exists (nothing listens or resolves yet;
    /// <see cref="StartupChecks"/> runs before).
    /// </summary>
    public static async Task<ControlPlaneResources> OpenAsync(ControlPlaneOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);

        // Everything that can be refused is checked before the store is opened or migrated.
        var certificate = LoadCertificate(options);
        var validator = EntryValidator.FromOptions(options);
        var mySqlConnectionString = options.UsesMySql
            ? MySqlConnectionStrings.FromLegacyKeys(
                options.DbServer, options.DbPort.ToString(System.Globalization.CultureInfo.InvariantCulture), options.DbUser, options.DbPassword, options.DbName, options.DbPoolSize)
            : null;
        var store = StoreFactory.Create(new StoreOptions
        {
            MySqlConnectionString = mySqlConnectionString,
            DataDirectory = options.DataDir,
            TimeProvider = time,
        });
        await store.MigrateAsync(cancellationToken);
        await WildcardStartCheck.RunAsync(store, validator, cancellationToken);
        var suppression = await InternalEntries.ReconcileAsync(store, validator.InternalRanges, cancellationToken);
        var tokens = new TokenRegistry();
        var created = await TokenBootstrap.InitializeAsync(options, store, tokens, time, cancellationToken);
        return new ControlPlaneResources(options, time)
        {
            Certificate = certificate,
            Validator = validator,
            MySqlConnectionString = mySqlConnectionString,
            Store = store,
            Suppression = suppression,
            Tokens = tokens,
            CreatedToken = created,
        };
    }

    private static X509Certificate2? LoadCertificate(ControlPlaneOptions options)
    {
        if (options.TlsCert is null)
        {
            return null;
        }

        if (!OperatingSystem.IsWindows() && File.Exists(options.TlsKey)
            && (File.GetUnixFileMode(options.TlsKey!) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new ConfigurationException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"tls_key: '{options.TlsKey}' is readable or writable by group or others (mode {Convert.ToString((int)File.GetUnixFileMode(options.TlsKey!), 8)}); make it private: chmod 600 '{options.TlsKey}'"));
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(options.TlsCert, options.TlsKey);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ConfigurationException($"tls_cert/tls_key: cannot load '{options.TlsCert}' with '{options.TlsKey}': {e.Message}", e);
        }
    }
}
