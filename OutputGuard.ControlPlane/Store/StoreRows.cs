namespace OutputGuard.ControlPlane.Store;

// Row shapes that Dapper materialises; columns are aliased to these property names in the SQL.

/// <summary>The <c>state</c> row.</summary>
internal sealed class StateRow
{
    public long Revision { get; set; }

    public long RevisionTime { get; set; }

    public long LogFloor { get; set; }
}

/// <summary>An <c>entries</c> row.</summary>
internal sealed class EntryRow
{
    public long Id { get; set; }

    public string Value { get; set; } = string.Empty;

    public int Kind { get; set; }

    public string Ports { get; set; } = string.Empty;

    public string Note { get; set; } = string.Empty;

    public bool Undeletable { get; set; }

    public string CreatedBy { get; set; } = string.Empty;

    public long CreatedAt { get; set; }

    public string SuppressedBy { get; set; } = string.Empty;
}

/// <summary>A <c>change_log</c> row.</summary>
internal sealed class ChangeRow
{
    public long Revision { get; set; }

    public string Dkey { get; set; } = string.Empty;

    public string Op { get; set; } = string.Empty;
}

/// <summary>An <c>audit</c> row.</summary>
internal sealed class AuditRow
{
    public long Id { get; set; }

    public long At { get; set; }

    public string Actor { get; set; } = string.Empty;

    public string Action { get; set; } = string.Empty;

    public long? EntryId { get; set; }

    public string? BeforeJson { get; set; }

    public string? AfterJson { get; set; }

    public long Revision { get; set; }
}

/// <summary>A <c>gateways</c> row.</summary>
internal sealed class GatewayRow
{
    public string Id { get; set; } = string.Empty;

    public string Hostname { get; set; } = string.Empty;

    public string Version { get; set; } = string.Empty;

    public long AppliedRevision { get; set; }

    public long LastSeen { get; set; }

    public bool Connected { get; set; }

    public long ElementCount { get; set; }

    public string TokenName { get; set; } = string.Empty;

    public string Replica { get; set; } = string.Empty;

    public string StoreId { get; set; } = string.Empty;

    public bool Observe { get; set; }
    public string Kind { get; set; } = string.Empty;
}

/// <summary>A <c>stored_tokens</c> row.</summary>
internal sealed class StoredTokenRow
{
    public string Name { get; set; } = string.Empty;

    public string Role { get; set; } = string.Empty;

    public string Sha256 { get; set; } = string.Empty;

    public long CreatedAt { get; set; }

    public long? RetiredAt { get; set; }
}
