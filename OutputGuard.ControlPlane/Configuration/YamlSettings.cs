using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OutputGuard.ControlPlane.Configuration;

/// <summary>Reads a YAML file into flat configuration keys (<c>tokens:0:name</c>), refusing unknown top-level keys.</summary>
public static class YamlSettings
{
    /// <summary>Reads <paramref name="path"/>; throws <see cref="ConfigurationException"/> naming the file and the problem.</summary>
    public static Dictionary<string, string?> Read(string path, IReadOnlySet<string> knownKeys)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"configuration file '{path}' cannot be read: {e.Message}", e);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ConfigurationException($"configuration file '{path}' is not valid YAML at line {e.Start.Line}: {e.Message}", e);
        }

        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return result;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigurationException($"configuration file '{path}' must be a mapping of keys to values");
        }

        foreach (var (keyNode, value) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            if (!knownKeys.Contains(key))
            {
                throw new ConfigurationException(
                    $"configuration file '{path}', line {keyNode.Start.Line}: unknown key '{key}' (known keys: {string.Join(", ", knownKeys.Order(StringComparer.Ordinal))})");
            }

            Flatten(key, value, result);
        }

        return result;
    }

    private static void Flatten(string prefix, YamlNode node, Dictionary<string, string?> into)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                into[prefix] = scalar.Value;
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Flatten(FormattableString.Invariant($"{prefix}:{i}"), sequence.Children[i], into);
                }

                break;
            case YamlMappingNode mapping:
                foreach (var (k, v) in mapping.Children)
                {
                    Flatten($"{prefix}:{((YamlScalarNode)k).Value}", v, into);
                }

                break;
        }
    }
}
