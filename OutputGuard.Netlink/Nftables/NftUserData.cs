using System.Text;

namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// The userdata layout libnftnl uses (and <c>nft</c> prints): type-length-value records of one byte type and one
/// byte length; type 0 of a table, chain or set is its comment, a NUL-terminated string.
/// </summary>
public static class NftUserData
{
    /// <summary>NFT_USERDATA_MAXLEN: the most userdata the kernel accepts for one object.</summary>
    public const int MaxLength = 256;

    private const byte CommentType = 0;

    /// <summary>The userdata holding <paramref name="comment"/> (UTF-8, NUL-terminated), as <c>nft add table … { comment "…" }</c> writes it.</summary>
    public static byte[] Comment(string comment)
    {
        ArgumentNullException.ThrowIfNull(comment);
        var text = Encoding.UTF8.GetBytes(comment);
        if (text.Length + 1 > byte.MaxValue || text.Length + 3 > MaxLength || text.Contains((byte)0))
        {
            throw new ArgumentException("A comment is at most 252 bytes of UTF-8 without NUL.", nameof(comment));
        }

        var data = new byte[text.Length + 3];
        data[0] = CommentType;
        data[1] = (byte)(text.Length + 1);
        text.CopyTo(data, 2);
        return data;
    }

    /// <summary>The comment record of <paramref name="userData"/>, or null when it holds none (or is malformed).</summary>
    public static string? ReadComment(ReadOnlySpan<byte> userData)
    {
        while (userData.Length >= 2)
        {
            var type = userData[0];
            int length = userData[1];
            if (2 + length > userData.Length)
            {
                return null;
            }

            var value = userData.Slice(2, length);
            if (type == CommentType)
            {
                var end = value.IndexOf((byte)0);
                return Encoding.UTF8.GetString(end < 0 ? value : value[..end]);
            }

            userData = userData[(2 + length)..];
        }

        return null;
    }
}
