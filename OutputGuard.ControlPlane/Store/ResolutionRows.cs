namespace OutputGuard.ControlPlane.Store;

// Row shapes of the resolver's tables; columns are aliased to these property names in the SQL.

/// <summary>A <c>resolved_addresses</c> row.</summary>
internal sealed class ResolvedAddressRow
{
    public long EntryId { get; set; }

    public string Address { get; set; } = string.Empty;

    public long FirstSeen { get; set; }

    public long LastSeen { get; set; }

    public int Ttl { get; set; }

    public int State { get; set; }
}

/// <summary>A <c>resolution_status</c> row.</summary>
internal sealed class ResolutionStatusRow
{
    public long EntryId { get; set; }

    public long LastAttempt { get; set; }

    public long? LastSuccess { get; set; }

    public string LastError { get; set; } = string.Empty;

    public int ConsecutiveFailures { get; set; }

    public string SkippedInternal { get; set; } = string.Empty;

    public int ExcessCount { get; set; }

    public string ExcessAddresses { get; set; } = string.Empty;

    /// <summary>JSON of the last lookup's answers per name server and record type (<see cref="RecordTypeAnswersJson"/>).</summary>
    public string Answers { get; set; } = string.Empty;
}
