namespace OutputGuard.ControlPlane.Admin.Components.Shared;

/// <summary>
/// Places a refusal's message (the API's own text) at the form field it is about: the validator names the field
/// first ("entry.value: …", "entry.ports: …", "entry.note is …"); the rest (a conflict, a role) belongs to the value
/// or, for an undeletable entry, to that checkbox.
/// </summary>
public static class FieldErrors
{
    /// <summary>The field a message is about: "value", "ports", "note" or "undeletable".</summary>
    public static string FieldOf(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.StartsWith("entry.ports", StringComparison.Ordinal) ? "ports"
            : message.StartsWith("entry.note", StringComparison.Ordinal) ? "note"
            : message.Contains("undeletable entry", StringComparison.Ordinal) ? "undeletable"
            : "value";
    }
}
