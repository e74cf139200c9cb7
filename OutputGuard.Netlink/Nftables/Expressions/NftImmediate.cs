using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>immediate: a verdict (accept, drop, jump, return) into the verdict register, or data into a register.</summary>
public sealed record NftImmediate : NftExpression
{
    internal const ushort NFTA_IMMEDIATE_DREG = 1;
    internal const ushort NFTA_IMMEDIATE_DATA = 2;
    internal const string KernelName = "immediate";

    /// <summary>NFTA_IMMEDIATE_DREG (0 for verdicts).</summary>
    public int Register { get; init; }

    /// <summary>The verdict, or null when <see cref="Data"/> is loaded instead.</summary>
    public NftVerdict? Verdict { get; init; }

    /// <summary>The data loaded into <see cref="Register"/>.</summary>
    public byte[]? Data { get; init; }

    /// <inheritdoc />
    public override string Name => KernelName;

    /// <summary>accept.</summary>
    public static NftImmediate Accept => Of(NftVerdict.Accept);

    /// <summary>drop.</summary>
    public static NftImmediate Drop => Of(NftVerdict.Drop);

    /// <summary>return.</summary>
    public static NftImmediate Return => Of(NftVerdict.Return);

    /// <summary>jump CHAIN.</summary>
    public static NftImmediate Jump(string chain) => Of(NftVerdict.Jump(chain));

    /// <summary>A verdict.</summary>
    public static NftImmediate Of(NftVerdict verdict) => new() { Register = NftRegisters.Verdict, Verdict = verdict };

    /// <summary>Data into a register (for example a port for nat).</summary>
    public static NftImmediate Load(int register, byte[] data) => new() { Register = register, Data = data };

    /// <inheritdoc />
    public bool Equals(NftImmediate? other) =>
        other is not null && Register == other.Register && Verdict == other.Verdict
        && (Data ?? []).AsSpan().SequenceEqual(other.Data ?? []);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Register, Verdict);

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        writer.Be32(NFTA_IMMEDIATE_DREG, (uint)Register);
        if (Verdict is { } v)
        {
            NftData.WriteVerdict(writer, NFTA_IMMEDIATE_DATA, v);
        }
        else
        {
            NftData.WriteValue(writer, NFTA_IMMEDIATE_DATA, Data ?? throw new InvalidOperationException("immediate needs a verdict or data."));
        }
    }

    internal static NftImmediate DecodeData(NftExpressionData data)
    {
        var (value, verdict) = NftData.Read(data.Get(NFTA_IMMEDIATE_DATA));
        return new NftImmediate { Register = (int)data.Be32(NFTA_IMMEDIATE_DREG), Verdict = verdict, Data = verdict is null ? value : null };
    }
}
