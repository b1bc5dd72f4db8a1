using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>
/// The schema of a backend's config section <c>feedback.&lt;name&gt;</c>: its keys (types, ranges, one-line docs), its
/// defaults (<c>new T()</c>) and an optional check across keys. A backend declares one and returns it from
/// <c>IFeedbackBackend.Section</c>; the config loader then binds, checks, renders and documents it like a built-in
/// section.
/// </summary>
/// <typeparam name="T">The backend's options record.</typeparam>
public sealed class BackendSection<T> : IBackendSection
    where T : BackendOptions, new()
{
    private readonly Section<T> _keys;
    private readonly Action<T, SectionCheck>? _check;

    /// <param name="name">The backend's name and the section's key under <c>feedback</c>.</param>
    /// <param name="keys">The section's keys.</param>
    /// <param name="check">Checks across keys (e.g. one key may not exceed another); call <see cref="SectionCheck.Fail"/> to refuse.</param>
    public BackendSection(string name, Section<T> keys, Action<T, SectionCheck>? check = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(keys);
        Name = name;
        _keys = keys;
        _check = check;
    }

    public string Name { get; }

    public Type OptionsType => typeof(T);

    public BackendOptions Defaults => new T();

    /// <summary>The section's keys, in order.</summary>
    public IEnumerable<string> Keys => _keys.Keys;

    public BackendOptions Bind(BackendOptions? current, YMapping map, string path, BindContext ctx) =>
        _keys.Bind(current as T ?? new T(), map, path, ctx);

    public void Check(BackendOptions options, string path, BindContext ctx, YNode fallback)
    {
        if (_check is not null && options is T typed)
        {
            _check(typed, new SectionCheck(path, ctx, fallback));
        }
    }

    public void Describe(BackendOptions? options, string path, List<KeyValuePair<string, string>> into)
    {
        if (options is T typed)
        {
            _keys.Describe(typed, path, into);
        }
        else
        {
            into.Add(new(path, "null"));
        }
    }

    public IReadOnlyList<KeyDoc> Document(string path)
    {
        var docs = new List<KeyDoc>();
        _keys.Document(new T(), path, docs);
        return docs;
    }

    /// <summary>
    /// The section's check on options built in code rather than read from a config (a backend's <c>Create</c> and
    /// <c>Predict</c> run it too), so both paths refuse the same options with the same message.
    /// </summary>
    /// <exception cref="DfaInputException"><paramref name="options"/> fail the section's check.</exception>
    public void Check(T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _check?.Invoke(options, SectionCheck.InCode);
    }
}
