using Dfa.Core.Yaml;

namespace Dfa.Core.Config;

/// <summary>
/// Applies <c>--set key=value</c> overrides to the file's YAML tree before binding, so an override is validated by
/// the same schema as the file. Mapping values merge into mappings; anything else replaces the node.
/// </summary>
internal static class Overrides
{
    public static void Apply(YMapping root, string text, int maxDepth)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            throw ConfigException.ForOverride(text, 1, "expected key=value, e.g. lr=0.01 or model.hidden=[400, 400]");
        }

        var keySource = YamlSource.Override(text, 0);
        var keys = new List<YScalar>();
        var start = 0;
        while (start <= eq)
        {
            var dot = text.IndexOf('.', start, eq - start);
            var end = dot < 0 ? eq : dot;
            var raw = text[start..end];
            var segment = raw.Trim();
            var column = start + 1 + (raw.Length - raw.TrimStart().Length);
            if (segment.Length == 0)
            {
                throw ConfigException.ForOverride(text, column, "empty key before '='" + (dot < 0 ? "" : " or around '.'"));
            }

            keys.Add(new YScalar(keySource, 1, column, segment, plain: true));
            start = end + 1;
        }

        if (keys.Count > maxDepth)
        {
            throw ConfigException.ForOverride(text, 1, $"key nests deeper than {maxDepth} levels");
        }

        var valueSource = YamlSource.Override(text, eq + 1);
        var value = YamlReader.Read(text[(eq + 1)..], valueSource, maxDepth - keys.Count)
            ?? new YScalar(valueSource, 1, 1, "", plain: true);

        var map = root;
        for (var i = 0; i < keys.Count - 1; i++)
        {
            var at = map.IndexOf(keys[i].Value);
            if (at >= 0 && map.Entries[at].Value is YMapping inner)
            {
                map = inner;
                continue;
            }

            var created = new YMapping(keySource, 1, keys[i].Column);
            Set(map, keys[i], created);
            map = created;
        }

        var last = keys[^1];
        var existing = map.IndexOf(last.Value);
        if (existing >= 0 && map.Entries[existing].Value is YMapping target && value is YMapping patch)
        {
            Merge(target, patch);
        }
        else
        {
            Set(map, last, value);
        }
    }

    private static void Merge(YMapping target, YMapping patch)
    {
        foreach (var (key, value) in patch.Entries)
        {
            var at = target.IndexOf(key.Value);
            if (at >= 0 && target.Entries[at].Value is YMapping inner && value is YMapping innerPatch)
            {
                Merge(inner, innerPatch);
            }
            else
            {
                Set(target, key, value);
            }
        }
    }

    /// <summary>Replaces the whole entry (key included) so errors about it name the override, not the file.</summary>
    private static void Set(YMapping map, YScalar key, YNode value)
    {
        var at = map.IndexOf(key.Value);
        if (at >= 0)
        {
            map.Entries[at] = new(key, value);
        }
        else
        {
            map.Entries.Add(new(key, value));
        }
    }
}
