using System.Globalization;
using System.Text;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Api;

/// <summary>Opaque page tokens: a kind tag and a position, base64url-encoded.</summary>
public static class PageTokens
{
    /// <summary>Encodes a position.</summary>
    public static string Encode(string kind, long position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{kind}:{position}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes a position (0 for an empty token); throws <see cref="EntryRejectedException"/> for a bad one.</summary>
    public static long Decode(string kind, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        if (token.Length > InputLimits.MaxPageToken)
        {
            throw new EntryRejectedException(
                RejectionReason.Invalid,
                FormattableString.Invariant($"page_token is {token.Length} characters long; a token this list returned is at most {InputLimits.MaxPageToken}"));
        }

        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            if (text.StartsWith(kind + ":", StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(kind.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            {
                return position;
            }
        }
        catch (FormatException)
        {
        }

        throw new EntryRejectedException(RejectionReason.Invalid, $"page_token {InputLimits.Quote(token)} is not a token this list returned");
    }

    /// <summary>A page size within 1..<paramref name="max"/>, <paramref name="fallback"/> for 0.</summary>
    public static int Size(int requested, int fallback, int max) =>
        requested < 0
            ? throw new EntryRejectedException(RejectionReason.Invalid, $"page_size {requested} is negative")
            : requested == 0 ? fallback : Math.Min(requested, max);
}
