using System.Globalization;
using System.Text;

namespace OutputGuard.ControlPlane.Api;

/// <summary>
/// The bounds every request is held to before any work is done for it, and the one way a message quotes
/// client input: a bounded prefix with control characters escaped, so that neither an error message nor a
/// log line grows with the input or carries a terminal escape.
/// </summary>
public static class InputLimits
{
    /// <summary>The longest string any request field may hold (fields with a tighter bound have their own).</summary>
    public const int MaxStringField = 4096;

    /// <summary>The longest ListEntries filter, in characters.</summary>
    public const int MaxFilterLength = 2048;

    /// <summary>The most terms (words and key terms) of a ListEntries filter.</summary>
    public const int MaxFilterTerms = 32;

    /// <summary>The longest page_token; every token the server returns is far shorter.</summary>
    public const int MaxPageToken = 128;

    /// <summary>The longest resource name (<c>entries/42</c>).</summary>
    public const int MaxResourceName = 64;

    /// <summary>The longest gateway id; ids are printable ASCII.</summary>
    public const int MaxGatewayId = 128;

    /// <summary>The longest gateway host name (a DNS name is at most 253 characters).</summary>
    public const int MaxHostname = 253;

    /// <summary>The longest agent version.</summary>
    public const int MaxVersion = 64;

    /// <summary>A store id in a Hello (the ids a store makes are 32 hex characters).</summary>
    public const int MaxStoreId = 64;

    /// <summary>The most entries one BatchCreateEntries call may hold.</summary>
    public const int MaxBatchEntries = 100_000;

    /// <summary>The largest BatchCreateEntries request, in bytes (gRPC message or JSON body): 100,000 entries of 250 bytes each, under the web server's 30 MB body limit.</summary>
    public const int MaxBatchBytes = 24 * 1024 * 1024;

    /// <summary>The largest request of any other method, in bytes (gRPC message or JSON body).</summary>
    public const int MaxRequestBytes = 4 * 1024 * 1024;

    /// <summary>How much of a client's input an error message quotes.</summary>
    public const int QuotedPrefix = 64;

    /// <summary>
    /// <paramref name="text"/> as a message may quote it: at most <see cref="QuotedPrefix"/> characters, with
    /// control and other invisible characters written as <c>\u001b</c>, and the full length named when cut.
    /// </summary>
    public static string Quote(string? text)
    {
        if (text is null)
        {
            return "''";
        }

        var builder = new StringBuilder(Math.Min(text.Length, QuotedPrefix) + 24).Append('\'');
        var shown = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (shown >= QuotedPrefix)
            {
                break;
            }

            if (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
            }
            else
            {
                builder.Append(rune.ToString());
            }

            shown += rune.Utf16SequenceLength;
        }

        builder.Append('\'');
        if (shown < text.Length)
        {
            builder.Append(CultureInfo.InvariantCulture, $"… ({text.Length} characters)");
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="text"/> holds a UTF-16 surrogate without its pair (it cannot be stored as UTF-8).</summary>
    public static bool HasLoneSurrogate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="text"/> is 1 to <paramref name="max"/> printable ASCII characters (no space, no control).</summary>
    public static bool IsPrintableAscii(string? text, int max) =>
        !string.IsNullOrEmpty(text) && text.Length <= max && text.All(c => c is > ' ' and < '\u007f');

    /// <summary>
    /// Checks one string field: at most <paramref name="max"/> characters and no lone surrogate.
    /// Returns null when it is fine, else a message that names <paramref name="field"/> and the limit.
    /// </summary>
    public static string? CheckString(string field, string? value, int max = MaxStringField)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{field} is {value.Length} characters long; at most {max} are allowed");
        }

        return HasLoneSurrogate(value)
            ? $"{field} holds an unpaired UTF-16 surrogate (not valid Unicode text, cannot be stored)"
            : null;
    }
}
