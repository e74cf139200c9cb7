namespace OutputGuard.Netlink.Nftables;

/// <summary>What an nf_tables event (NFNLGRP_NFTABLES) is about.</summary>
public enum NftEventKind
{
    /// <summary>NFT_MSG_NEWTABLE / NFT_MSG_DELTABLE.</summary>
    Table,

    /// <summary>NFT_MSG_NEWCHAIN / NFT_MSG_DELCHAIN.</summary>
    Chain,

    /// <summary>NFT_MSG_NEWRULE / NFT_MSG_DELRULE.</summary>
    Rule,

    /// <summary>NFT_MSG_NEWSET / NFT_MSG_DELSET.</summary>
    Set,

    /// <summary>NFT_MSG_NEWSETELEM / NFT_MSG_DELSETELEM.</summary>
    Elements,

    /// <summary>NFT_MSG_NEWGEN: a transaction was committed.</summary>
    Generation,

    /// <summary>Objects, flowtables and other messages of the subsystem.</summary>
    Other,

    /// <summary>The kernel dropped events (ENOBUFS): anything may have changed, read the state again.</summary>
    Lost,
}
