namespace OutputGuard.ControlPlane.Legacy.Import;

/// <summary>What an import did (or, in a dry run, would do).</summary>
/// <param name="RowsRead">Rows read from crawler_proxies.</param>
/// <param name="Created">Entries created (would be created).</param>
/// <param name="Unchanged">Entries that existed with the same definition.</param>
/// <param name="Conflicts">Entries that existed with another definition (kept).</param>
/// <param name="Skipped">Rows skipped (internal, invalid).</param>
/// <param name="RevisionBefore">The store's revision before.</param>
/// <param name="RevisionAfter">The store's revision after (in a dry run: the revision the import would make).</param>
/// <param name="DryRun">Whether nothing was written.</param>
public sealed record LegacyImportReport(
    int RowsRead, int Created, int Unchanged, int Conflicts, int Skipped, long RevisionBefore, long RevisionAfter, bool DryRun);
