using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;

namespace OutputGuard.ControlPlane.Api;

/// <summary>
/// Checks JSON values and query-string values against a protobuf message's fields, the way the proto3 JSON
/// mapping reads them, and says what is wrong in the caller's terms: the field's path, what it must be, an
/// example, and what was sent. Null is always accepted (it means the default). Only the shape is checked here;
/// the values themselves (a port rule, a domain) are checked by the services.
/// </summary>
public static class JsonShapeCheck
{
    private const int MaxNames = 12;

    /// <summary>The first problem of <paramref name="value"/> as a <paramref name="message"/>, or null.</summary>
    public static string? CheckMessage(JsonElement value, MessageDescriptor message, string path)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return $"{Named(path, "the body")} must be a JSON object {{…}} ({message.Name}), not {Describe(value)}";
        }

        foreach (var property in value.EnumerateObject())
        {
            var field = Find(message, property.Name);
            var fieldPath = Join(path, property.Name);
            if (field is null)
            {
                return $"unknown field \"{ErrorStatus.Bound(property.Name, 64)}\" in {Named(path, "the body")} ({message.Name}); " +
                    $"its fields are {KnownFields(message)}" + MisplacedHint(message, property.Name);
            }

            if (CheckField(property.Value, field, fieldPath) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>The first problem of query values <paramref name="values"/> for <paramref name="field"/>, or null.</summary>
    public static string? CheckQuery(FieldDescriptor field, string key, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count > 1 && !field.IsRepeated)
        {
            return $"query parameter {key} is given {values.Count} times; it takes one value";
        }

        foreach (var value in values)
        {
            if (!ScalarText(field, value))
            {
                return $"query parameter {key} must be {Expected(field)} (e.g. {key}={QueryExample(field)}), not '{ErrorStatus.Bound(value, 64)}'";
            }
        }

        return null;
    }

    /// <summary>The field a JSON or query name denotes: its proto name or its JSON name.</summary>
    public static FieldDescriptor? Find(MessageDescriptor message, string name)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.FindFieldByName(name) ?? message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == name);
    }

    /// <summary>"a, b and c" of the message's fields (proto names), for messages that list them.</summary>
    public static string KnownFields(MessageDescriptor message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var names = message.Fields.InDeclarationOrder().Select(f => f.Name).Take(MaxNames).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static string? CheckField(JsonElement value, FieldDescriptor field, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (field.IsMap)
        {
            return value.ValueKind == JsonValueKind.Object ? null : $"{path} must be a JSON object {{\"key\": value}}, not {Describe(value)}";
        }

        if (field.IsRepeated)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                return $"{path} must be a list [...], not {Describe(value)}: write \"{field.JsonName}\": {ListExample(field, value)}";
            }

            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (CheckSingle(item, field, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]")) is { } problem)
                {
                    return problem;
                }

                i++;
            }

            return null;
        }

        return CheckSingle(value, field, path);
    }

    private static string? CheckSingle(JsonElement value, FieldDescriptor field, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (field.FieldType == FieldType.Message)
        {
            var type = field.MessageType;
            if (type.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal))
            {
                return type.Name is "Timestamp" or "Duration" or "FieldMask" && value.ValueKind != JsonValueKind.String
                    ? $"{path} must be a string ({WellKnownExample(type.Name)}), not {Describe(value)}"
                    : null;
            }

            return CheckMessage(value, type, path);
        }

        var ok = value.ValueKind switch
        {
            JsonValueKind.String => field.FieldType is FieldType.String or FieldType.Bytes or FieldType.Enum || (IsNumber(field) && ScalarText(field, value.GetString()!)),
            JsonValueKind.Number => IsNumber(field) ? ScalarText(field, value.GetRawText()) : field.FieldType == FieldType.Enum && value.TryGetInt32(out _),
            JsonValueKind.True or JsonValueKind.False => field.FieldType == FieldType.Bool,
            _ => false,
        };
        return ok ? null : $"{path} must be {Expected(field)}, not {Describe(value)}{ScalarHint(field, value)}";
    }

    /// <summary>Whether <paramref name="text"/> is a valid value of a scalar field, as query strings and quoted numbers carry it.</summary>
    private static bool ScalarText(FieldDescriptor field, string text) => field.FieldType switch
    {
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        FieldType.UInt32 or FieldType.Fixed32 => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _),
        FieldType.UInt64 or FieldType.Fixed64 => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _),
        FieldType.Double or FieldType.Float => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || text is "NaN" or "Infinity" or "-Infinity",
        FieldType.Bool => text is "true" or "false",
        FieldType.Enum => field.EnumType.FindValueByName(text) is not null
            || (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && field.EnumType.FindValueByNumber(n) is not null),
        _ => true,
    };

    private static bool IsNumber(FieldDescriptor field) => field.FieldType is FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32
        or FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt32 or FieldType.Fixed32
        or FieldType.UInt64 or FieldType.Fixed64 or FieldType.Double or FieldType.Float;

    private static string Expected(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => "a string",
        FieldType.Bytes => "a base64 string",
        FieldType.Bool => "true or false",
        FieldType.Enum => $"one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name).Take(MaxNames))}",
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 or FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => "a whole number",
        FieldType.UInt32 or FieldType.Fixed32 or FieldType.UInt64 or FieldType.Fixed64 => "a whole number, 0 or more",
        FieldType.Double or FieldType.Float => "a number",
        FieldType.Message => $"a JSON object ({field.MessageType.Name})",
        _ => "a value",
    };

    private static string QueryExample(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Bool => "true",
        FieldType.Enum => field.EnumType.Values.Count > 1 ? field.EnumType.Values[1].Name : field.EnumType.Values[0].Name,
        FieldType.Message => WellKnownExample(field.MessageType.Name),
        FieldType.String or FieldType.Bytes => "text",
        _ => "50",
    };

    private static string ListExample(FieldDescriptor field, JsonElement sent)
    {
        if (sent.ValueKind == JsonValueKind.String && field.FieldType == FieldType.String)
        {
            var parts = sent.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length > 0)
            {
                return "[" + string.Join(", ", parts.Take(8).Select(p => JsonSerializer.Serialize(ErrorStatus.Bound(p, 40)))) + "]";
            }
        }

        return field.Name == "ports" ? "[\"tcp/443\"]" : field.FieldType == FieldType.String ? "[\"…\"]" : "[…]";
    }

    private static string ScalarHint(FieldDescriptor field, JsonElement sent) =>
        field.Name == "ports" && sent.ValueKind == JsonValueKind.Number
            ? string.Create(CultureInfo.InvariantCulture, $": a port rule names its protocol, write \"tcp/{sent.GetRawText()}\" or \"udp/{sent.GetRawText()}\"")
            : field.FieldType == FieldType.Bool && sent.ValueKind == JsonValueKind.String
                ? $": write {field.JsonName}: true or false, without quotes"
                : string.Empty;

    private static string WellKnownExample(string type) => type switch
    {
        "Timestamp" => "2026-11-01T00:00:00Z",
        "Duration" => "\"30s\"",
        "FieldMask" => "\"ports,note\"",
        _ => "…",
    };

    // A field of the request sent inside the body's message, e.g. {"entry": {...}} as the body of POST /v1/entries.
    private static string MisplacedHint(MessageDescriptor message, string name) => (message.Name, name) switch
    {
        ("Entry", "entry") => "; the body is the entry itself ({\"value\": \"api.example.com\", \"ports\": [\"tcp/443\"]}), not {\"entry\": …}",
        ("Entry", "update_mask" or "updateMask") => "; update_mask is a query parameter: PATCH /v1/entries/42?update_mask=ports",
        _ => string.Empty,
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string {JsonSerializer.Serialize(ErrorStatus.Bound(value.GetString(), 64))}",
        JsonValueKind.Number => $"the number {ErrorStatus.Bound(value.GetRawText(), 32)}",
        JsonValueKind.True or JsonValueKind.False => $"{value.GetRawText()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Named(string path, string whole) => path.Length == 0 ? whole : path;

    private static string Join(string path, string name) => path.Length == 0 ? ErrorStatus.Bound(name, 64) : $"{path}.{ErrorStatus.Bound(name, 64)}";
}
