using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Nftables.NftConstants;

namespace OutputGuard.Netlink.Nftables;

/// <summary>Change notifications (NFNLGRP_NFTABLES) and rule comments (nft's userdata TLVs), bounds-checked.</summary>
internal static class NftEventCodec
{
    /// <summary>Writes a comment as nft does: one NFTNL_UDATA_RULE_COMMENT TLV (type, length, NUL-terminated text).</summary>
    internal static void WriteComment(NetlinkWriter w, string comment)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(comment);
        if (text.Length + 1 > NFTNL_UDATA_COMMENT_MAXLEN || text.Contains((byte)0))
        {
            throw new ArgumentException($"A rule comment holds at most {NFTNL_UDATA_COMMENT_MAXLEN - 1} bytes and no NUL.", nameof(comment));
        }

        Span<byte> udata = stackalloc byte[text.Length + 3];
        udata[0] = NFTNL_UDATA_RULE_COMMENT;
        udata[1] = (byte)(text.Length + 1);
        text.CopyTo(udata[2..]);
        udata[^1] = 0;
        w.Bytes(NFTA_RULE_USERDATA, udata);
    }

    /// <summary>The comment TLV of rule userdata, or null when there is none (other TLVs are skipped).</summary>
    internal static string? ReadComment(ReadOnlySpan<byte> udata)
    {
        while (udata.Length >= 2)
        {
            var type = udata[0];
            var length = udata[1];
            if (udata.Length < 2 + length)
            {
                throw new NetlinkFormatException($"A rule userdata TLV of {length} bytes does not fit the {udata.Length - 2} left.");
            }

            if (type == NFTNL_UDATA_RULE_COMMENT)
            {
                return Wire.String(udata.Slice(2, length));
            }

            udata = udata[(2 + length)..];
        }

        return null;
    }

    /// <summary>
    /// A change notification (NFNLGRP_NFTABLES), or null for a message of another subsystem. Every object's table
    /// name is its attribute 1 (NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, NFTA_SET_TABLE, …). With
    /// <paramref name="onlyTable"/>, an object event of another table is null too, before its elements are read.
    /// </summary>
    internal static NftEvent? ParseEvent(ushort type, uint portId, ReadOnlySpan<byte> payload, string? onlyTable = null)
    {
        if (type >> 8 != NFNL_SUBSYS_NFTABLES)
        {
            return null;
        }

        var msg = (byte)(type & 0xff);
        var (kind, deleted, nameAttribute) = msg switch
        {
            NFT_MSG_NEWTABLE => (NftEventKind.Table, false, (ushort)0),
            NFT_MSG_DELTABLE => (NftEventKind.Table, true, (ushort)0),
            NFT_MSG_NEWCHAIN => (NftEventKind.Chain, false, NFTA_CHAIN_NAME),
            NFT_MSG_DELCHAIN => (NftEventKind.Chain, true, NFTA_CHAIN_NAME),
            NFT_MSG_NEWRULE => (NftEventKind.Rule, false, NFTA_RULE_CHAIN),
            NFT_MSG_DELRULE => (NftEventKind.Rule, true, NFTA_RULE_CHAIN),
            NFT_MSG_NEWSET => (NftEventKind.Set, false, NFTA_SET_NAME),
            NFT_MSG_DELSET => (NftEventKind.Set, true, NFTA_SET_NAME),
            NFT_MSG_NEWSETELEM => (NftEventKind.Elements, false, NFTA_SET_ELEM_LIST_SET),
            NFT_MSG_DELSETELEM => (NftEventKind.Elements, true, NFTA_SET_ELEM_LIST_SET),
            NFT_MSG_NEWGEN => (NftEventKind.Generation, false, (ushort)0),
            _ => (NftEventKind.Other, false, (ushort)0),
        };
        var family = NftCodec.Family(payload);
        string? table = null, name = null, process = null;
        uint? generation = null, pid = null;
        List<NftSetElement> elements = [];
        var r = new AttributeReader(payload[4..]);
        while (r.Next(out var attribute, out var v))
        {
            if (kind == NftEventKind.Generation)
            {
                switch (attribute)
                {
                    case NFTA_GEN_ID: generation = Wire.Be32(v); break;
                    case NFTA_GEN_PROC_PID: pid = Wire.Be32(v); break;
                    case NFTA_GEN_PROC_NAME: process = Wire.String(v); break;
                    default: break;
                }
            }
            else if (attribute == 1)
            {
                table = Wire.String(v);
            }
            else if (nameAttribute != 0 && attribute == nameAttribute)
            {
                name = Wire.String(v);
            }
        }

        if (onlyTable is not null && kind != NftEventKind.Generation && table != onlyTable)
        {
            return null;
        }

        if (kind == NftEventKind.Elements)
        {
            NftCodec.ParseElements(payload, elements);
        }

        return new NftEvent
        {
            Kind = kind,
            Deleted = deleted,
            Family = family,
            Table = table,
            Name = name,
            PortId = portId,
            Generation = generation,
            ProcessId = pid,
            ProcessName = process,
            Elements = elements,
        };
    }
}
