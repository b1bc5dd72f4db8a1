using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>
/// A feedback backend's config section <c>feedback.&lt;name&gt;</c> as the config loader sees it: bound, checked and
/// rendered with the same file:line:col errors as every other key, without Core knowing the backend.
/// Implemented by <see cref="BackendSection{T}"/>.
/// </summary>
public interface IBackendSection
{
    /// <summary>The backend's name, which is also the section's key under <c>feedback</c>.</summary>
    string Name { get; }

    /// <summary>The record type the section binds onto.</summary>
    Type OptionsType { get; }

    /// <summary>The options when the section is given empty (every key at its default).</summary>
    BackendOptions Defaults { get; }

    /// <summary>Binds <paramref name="map"/> onto <paramref name="current"/> (the defaults when null).</summary>
    /// <exception cref="ConfigException">An unknown key, or a value of the wrong type or out of range.</exception>
    BackendOptions Bind(BackendOptions? current, YMapping map, string path, BindContext ctx);

    /// <summary>The section's checks across its keys, once the whole config is bound.</summary>
    /// <exception cref="ConfigException">Settings that contradict each other, at the node that completes the conflict.</exception>
    void Check(BackendOptions options, string path, BindContext ctx, YNode fallback);

    /// <summary>Adds <c>(dotted key, YAML value)</c> pairs for <paramref name="options"/>, or <c>(path, null)</c> when absent.</summary>
    void Describe(BackendOptions? options, string path, List<KeyValuePair<string, string>> into);

    /// <summary>Every key of the section with its type, default and meaning.</summary>
    IReadOnlyList<KeyDoc> Document(string path);
}
