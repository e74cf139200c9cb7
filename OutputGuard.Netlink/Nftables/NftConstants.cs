using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables;

/// <summary>Constants of &lt;linux/netfilter/nf_tables.h&gt; and &lt;linux/netfilter/nfnetlink.h&gt;.</summary>
internal static class NftConstants
{
    internal const byte NFNL_SUBSYS_NFTABLES = 10;
    internal const ushort NFNL_MSG_BATCH_BEGIN = 0x10;
    internal const ushort NFNL_MSG_BATCH_END = 0x11;

    internal const byte NFT_MSG_NEWTABLE = 0;
    internal const byte NFT_MSG_GETTABLE = 1;
    internal const byte NFT_MSG_DELTABLE = 2;
    internal const byte NFT_MSG_NEWCHAIN = 3;
    internal const byte NFT_MSG_GETCHAIN = 4;
    internal const byte NFT_MSG_DELCHAIN = 5;
    internal const byte NFT_MSG_NEWRULE = 6;
    internal const byte NFT_MSG_GETRULE = 7;
    internal const byte NFT_MSG_DELRULE = 8;
    internal const byte NFT_MSG_NEWSET = 9;
    internal const byte NFT_MSG_GETSET = 10;
    internal const byte NFT_MSG_DELSET = 11;
    internal const byte NFT_MSG_NEWSETELEM = 12;
    internal const byte NFT_MSG_GETSETELEM = 13;
    internal const byte NFT_MSG_DELSETELEM = 14;
    internal const byte NFT_MSG_NEWGEN = 15;
    internal const byte NFT_MSG_GETGEN = 16;
    internal const byte NFT_MSG_DESTROYTABLE = 26;
    internal const byte NFT_MSG_DESTROYSETELEM = 30;

    internal const ushort NFTA_LIST_ELEM = 1;
    internal const ushort NFTA_HOOK_HOOKNUM = 1;
    internal const ushort NFTA_HOOK_PRIORITY = 2;

    internal const ushort NFTA_TABLE_NAME = 1;
    internal const ushort NFTA_TABLE_FLAGS = 2;
    internal const ushort NFTA_TABLE_USE = 3;
    internal const ushort NFTA_TABLE_HANDLE = 4;
    internal const ushort NFTA_TABLE_USERDATA = 6;

    internal const ushort NFTA_CHAIN_TABLE = 1;
    internal const ushort NFTA_CHAIN_HANDLE = 2;
    internal const ushort NFTA_CHAIN_NAME = 3;
    internal const ushort NFTA_CHAIN_HOOK = 4;
    internal const ushort NFTA_CHAIN_POLICY = 5;
    internal const ushort NFTA_CHAIN_TYPE = 7;

    internal const ushort NFTA_RULE_TABLE = 1;
    internal const ushort NFTA_RULE_CHAIN = 2;
    internal const ushort NFTA_RULE_HANDLE = 3;
    internal const ushort NFTA_RULE_EXPRESSIONS = 4;
    internal const ushort NFTA_RULE_USERDATA = 7;

    internal const ushort NFTA_SET_TABLE = 1;
    internal const ushort NFTA_SET_NAME = 2;
    internal const ushort NFTA_SET_FLAGS = 3;
    internal const ushort NFTA_SET_KEY_TYPE = 4;
    internal const ushort NFTA_SET_KEY_LEN = 5;
    internal const ushort NFTA_SET_DESC = 9;
    internal const ushort NFTA_SET_ID = 10;
    internal const ushort NFTA_SET_TIMEOUT = 11;
    internal const ushort NFTA_SET_HANDLE = 16;
    internal const ushort NFTA_SET_EXPR = 17;
    internal const ushort NFTA_SET_EXPRESSIONS = 18;
    internal const ushort NFTA_SET_DESC_SIZE = 1;
    internal const ushort NFTA_SET_DESC_CONCAT = 2;
    internal const ushort NFTA_SET_FIELD_LEN = 1;

    internal const ushort NFTA_SET_ELEM_KEY = 1;
    internal const ushort NFTA_SET_ELEM_FLAGS = 3;
    internal const ushort NFTA_SET_ELEM_TIMEOUT = 4;
    internal const ushort NFTA_SET_ELEM_EXPIRATION = 5;
    internal const ushort NFTA_SET_ELEM_EXPR = 7;
    internal const ushort NFTA_SET_ELEM_KEY_END = 10;
    internal const ushort NFTA_SET_ELEM_EXPRESSIONS = 11;
    internal const ushort NFTA_SET_ELEM_LIST_TABLE = 1;
    internal const ushort NFTA_SET_ELEM_LIST_SET = 2;
    internal const ushort NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    internal const ushort NFTA_SET_ELEM_LIST_SET_ID = 4;
    internal const uint NFT_SET_ELEM_INTERVAL_END = 0x1;

    internal const ushort NFTA_DATA_VALUE = 1;
    internal const ushort NFTA_DATA_VERDICT = 2;
    internal const ushort NFTA_VERDICT_CODE = 1;
    internal const ushort NFTA_VERDICT_CHAIN = 2;

    internal const ushort NFTA_EXPR_NAME = 1;
    internal const ushort NFTA_EXPR_DATA = 2;

    internal const ushort NFTA_GEN_ID = 1;
    internal const ushort NFTA_GEN_PROC_PID = 2;
    internal const ushort NFTA_GEN_PROC_NAME = 3;

    /// <summary>NFNLGRP_NFTABLES of &lt;linux/netfilter/nfnetlink.h&gt;: nf_tables change notifications.</summary>
    internal const uint NFNLGRP_NFTABLES = 7;

    internal static ushort MessageType(byte msg) => Nfnl.Type(NFNL_SUBSYS_NFTABLES, msg);

    internal static string TypeName(ushort type)
    {
        if (type == NFNL_MSG_BATCH_BEGIN)
        {
            return "NFNL_MSG_BATCH_BEGIN";
        }

        if (type == NFNL_MSG_BATCH_END)
        {
            return "NFNL_MSG_BATCH_END";
        }

        return Nfnl.MessageType(type) switch
        {
            NFT_MSG_NEWTABLE => "NFT_MSG_NEWTABLE",
            NFT_MSG_GETTABLE => "NFT_MSG_GETTABLE",
            NFT_MSG_DELTABLE => "NFT_MSG_DELTABLE",
            NFT_MSG_NEWCHAIN => "NFT_MSG_NEWCHAIN",
            NFT_MSG_GETCHAIN => "NFT_MSG_GETCHAIN",
            NFT_MSG_DELCHAIN => "NFT_MSG_DELCHAIN",
            NFT_MSG_NEWRULE => "NFT_MSG_NEWRULE",
            NFT_MSG_GETRULE => "NFT_MSG_GETRULE",
            NFT_MSG_DELRULE => "NFT_MSG_DELRULE",
            NFT_MSG_NEWSET => "NFT_MSG_NEWSET",
            NFT_MSG_GETSET => "NFT_MSG_GETSET",
            NFT_MSG_DELSET => "NFT_MSG_DELSET",
            NFT_MSG_NEWSETELEM => "NFT_MSG_NEWSETELEM",
            NFT_MSG_GETSETELEM => "NFT_MSG_GETSETELEM",
            NFT_MSG_DELSETELEM => "NFT_MSG_DELSETELEM",
            NFT_MSG_NEWGEN => "NFT_MSG_NEWGEN",
            NFT_MSG_GETGEN => "NFT_MSG_GETGEN",
            NFT_MSG_DESTROYTABLE => "NFT_MSG_DESTROYTABLE",
            NFT_MSG_DESTROYSETELEM => "NFT_MSG_DESTROYSETELEM",
            var other => "NFT_MSG_" + other.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
