using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>A self-signed certificate for localhost and 127.0.0.1, written as PEM files into a temp directory (removed on dispose).</summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("og-tls-").FullName;

    public TestCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CertificateFile = Path.Combine(_dir, "cert.pem");
        KeyFile = Path.Combine(_dir, "key.pem");
        File.WriteAllText(CertificateFile, Certificate.ExportCertificatePem());
        File.WriteAllText(KeyFile, key.ExportPkcs8PrivateKeyPem());

        // The control plane refuses a key that group or others can read.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public X509Certificate2 Certificate { get; }

    public string CertificateFile { get; }

    public string KeyFile { get; }

    /// <summary>A handler that trusts exactly this certificate (and records the one it saw).</summary>
    public HttpClientHandler TrustingHandler(Action<string?>? seen = null) => new()
    {
        ServerCertificateCustomValidationCallback = (_, c, _, _) =>
        {
            seen?.Invoke(c?.Thumbprint);
            return c?.Thumbprint == Certificate.Thumbprint;
        },
    };

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
