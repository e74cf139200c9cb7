namespace OutputGuard.Configuration.Values;

/// <summary>
/// What one layer says about one setting: a scalar (text), a list (of scalars or of objects), or an object (an
/// item of a list of objects), each with where it came from.
/// </summary>
public sealed class LayerValue
{
    private LayerValue(ValueOrigin origin, string? text, IReadOnlyList<LayerValue>? items, IReadOnlyDictionary<string, LayerValue>? fields)
    {
        Origin = origin;
        Text = text;
        Items = items;
        Fields = fields;
    }

    /// <summary>Where the value came from.</summary>
    public ValueOrigin Origin { get; }

    /// <summary>The text of a scalar; null for a list or an object.</summary>
    public string? Text { get; }

    /// <summary>The items of a list; null for a scalar or an object.</summary>
    public IReadOnlyList<LayerValue>? Items { get; }

    /// <summary>The fields of an object, by key; null for a scalar or a list.</summary>
    public IReadOnlyDictionary<string, LayerValue>? Fields { get; }

    /// <summary>A scalar.</summary>
    public static LayerValue Scalar(string text, ValueOrigin origin) => new(origin, text ?? throw new ArgumentNullException(nameof(text)), null, null);

    /// <summary>A list.</summary>
    public static LayerValue List(IReadOnlyList<LayerValue> items, ValueOrigin origin) => new(origin, null, items ?? throw new ArgumentNullException(nameof(items)), null);

    /// <summary>An object (an item of a list of objects).</summary>
    public static LayerValue Record(IReadOnlyDictionary<string, LayerValue> fields, ValueOrigin origin) =>
        new(origin, null, null, fields ?? throw new ArgumentNullException(nameof(fields)));

    /// <summary>The same value with other text (a normalised number or boolean).</summary>
    public LayerValue WithText(string text) => Scalar(text, Origin);
}
