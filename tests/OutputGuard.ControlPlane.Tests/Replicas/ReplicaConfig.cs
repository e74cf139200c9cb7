using System.Globalization;
using MySqlConnector;
using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.ControlPlane.Tests.Replicas;

/// <summary>A YAML configuration file for a control-plane process on a shared MariaDB database.</summary>
public static class ReplicaConfig
{
    /// <summary>Writes the file into <paramref name="directory"/> and returns its path.</summary>
    public static string Write(string directory, string name, string connectionString, string nameServer)
    {
        var b = new MySqlConnectionStringBuilder(connectionString);
        var dataDir = Path.Combine(directory, name + "-data");
        var yaml = string.Create(CultureInfo.InvariantCulture, $"""
            db_server: {b.Server}
            db_port: {b.Port}
            db_user: {b.UserID}
            db_password: "{b.Password}"
            db_name: {b.Database}
            data_dir: {dataDir}
            http_address: 127.0.0.1:0
            grpc_address: 127.0.0.1:0
            change_poll_interval_ms: 100
            resolver_name_servers: ["{nameServer}"]
            resolver_interval_s: 2
            resolver_ttl_floor_s: 1
            resolver_lease_s: 3
            resolver_timeout_ms: 500
            treat_as_public: [192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32]
            tokens:
              - {"{"} name: ops-editor, role: editor, secret: "{TestTokens.Editor}" {"}"}
              - {"{"} name: gw, role: gateway, secret: "{TestTokens.Gateway}", gateway_ids: ["gw-*"] {"}"}

            """);
        var path = Path.Combine(directory, name + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
