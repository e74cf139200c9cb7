using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Nftables.NftConstants;

namespace OutputGuard.Netlink.Nftables;

/// <summary>Change notifications (NFNLGRP_NFTABLES), bounds-checked.</summary>
internal static class NftEventCodec
{
    /// <summary>
    /// The attribute that names an object's table: 1 in every object (NFTA_TABLE_NAME, NFTA_CHAIN_TABLE,
    /// NFTA_RULE_TABLE, NFTA_SET_TABLE, NFTA_SET_ELEM_LIST_TABLE, …).
    /// </summary>
    private const ushort TableAttribute = NFTA_TABLE_NAME;

    /// <summary>
    /// A change notification (NFNLGRP_NFTABLES), or null for a message of another subsystem. With
    /// <paramref name="onlyTable"/>, an object event of another table is null too, before its elements are read.
    /// </summary>
    internal static NftEvent? ParseEvent(ushort type, uint portId, ReadOnlySpan<byte> payload, string? onlyTable = null)
    {
        if (Nfnl.SubsystemId(type) != NFNL_SUBSYS_NFTABLES)
        {
            return null;
        }

        var (kind, deleted, nameAttribute) = Nfnl.MessageType(type) switch
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
        var family = NftCodec.Family(payload, out var attributes);
        string? table = null, name = null, process = null;
        uint? generation = null, pid = null;
        List<NftSetElement> elements = [];
        var r = new AttributeReader(attributes);
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
            else if (attribute == TableAttribute)
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
