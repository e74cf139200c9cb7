using System.Text;

namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// The userdata layout libnftnl uses (and <c>nft</c> prints): type-length-value records of one byte type and one
/// byte length; type 0 of a table, chain, rule or set is its comment, a NUL-terminated string.
/// </summary>
public static class NftUserData
{
    /// <summary>NFT_USERDATA_MAXLEN: the most userdata the kernel accepts for one object.</summary>
    public const int MaxLength = 256;

    /// <summary>NFTNL_UDATA_TABLE_COMMENT, NFTNL_UDATA_RULE_COMMENT, NFTNL_UDATA_SET_COMMENT …: all 0.</summary>
    private const byte CommentType = 0;

    /// <summary>NFTNL_UDATA_COMMENT_MAXLEN: the longest rule comment nft writes, its NUL included.</summary>
    private const int RuleCommentMaxLength = 128;

    /// <summary>The userdata holding <paramref name="comment"/> (UTF-8, NUL-terminated), as <c>nft add table … { comment "…" }</c> writes it.</summary>
    public static byte[] Comment(string comment)
    {
        ArgumentNullException.ThrowIfNull(comment);
        return TryComment(comment, MaxLength - 3)
            ?? throw new ArgumentException("A comment is at most 253 bytes of UTF-8 without NUL.", nameof(comment));
    }

    /// <summary>The comment record of <paramref name="userData"/>, or null when it holds none (or is malformed).</summary>
    public static string? ReadComment(ReadOnlySpan<byte> userData) => TryReadComment(userData, out var comment) ? comment : null;

    /// <summary>A rule's userdata holding <paramref name="comment"/> (NFTNL_UDATA_RULE_COMMENT), as nft writes it.</summary>
    internal static byte[] RuleComment(string comment) =>
        TryComment(comment, RuleCommentMaxLength - 1)
        ?? throw new ArgumentException($"A rule comment holds at most {RuleCommentMaxLength - 1} bytes and no NUL.", nameof(comment));

    /// <summary>
    /// Finds the comment record (null when there is none; records of other types are skipped); false when a record
    /// overruns the userdata.
    /// </summary>
    internal static bool TryReadComment(ReadOnlySpan<byte> userData, out string? comment)
    {
        comment = null;
        while (userData.Length >= 2)
        {
            var type = userData[0];
            int length = userData[1];
            if (2 + length > userData.Length)
            {
                return false;
            }

            var value = userData.Slice(2, length);
            if (type == CommentType)
            {
                var end = value.IndexOf((byte)0);
                comment = Encoding.UTF8.GetString(end < 0 ? value : value[..end]);
                return true;
            }

            userData = userData[(2 + length)..];
        }

        return true;
    }

    /// <summary>The comment record (type, length, UTF-8 text, NUL), or null when the text has a NUL or is too long.</summary>
    private static byte[]? TryComment(string comment, int maxTextBytes)
    {
        var text = Encoding.UTF8.GetBytes(comment);
        if (text.Length > maxTextBytes || text.Contains((byte)0))
        {
            return null;
        }

        var data = new byte[text.Length + 3];
        data[0] = CommentType;
        data[1] = (byte)(text.Length + 1);
        text.CopyTo(data, 2);
        return data;
    }
}
