namespace Dfa.Core.Config.Schema;

/// <summary>
/// The backend option sections of a config (<c>feedback.&lt;name&gt;</c>), in the order the backends were registered:
/// each section's schema and its options, or null when the config does not give the section. Core keeps the options
/// opaque; a backend reads its own with <see cref="Get{T}"/>. Immutable; equal when every section and its options are equal.
/// </summary>
public sealed class BackendSections : IEquatable<BackendSections>
{
    private readonly (IBackendSection Section, BackendOptions? Options)[] _entries;

    private BackendSections((IBackendSection, BackendOptions?)[] entries)
    {
        _entries = entries;
    }

    /// <summary>No sections: the config of a loader that knows no backend sections.</summary>
    public static BackendSections Empty { get; } = new([]);

    /// <summary>Every section and its options (null where the config does not give it), in order.</summary>
    public IEnumerable<(IBackendSection Section, BackendOptions? Options)> Entries => _entries;

    /// <summary>The sections the config gives (options not null).</summary>
    public IEnumerable<(IBackendSection Section, BackendOptions Options)> Given =>
        _entries.Where(e => e.Options is not null).Select(e => (e.Section, e.Options!));

    /// <summary>Every section of <paramref name="sections"/>, none given.</summary>
    public static BackendSections Of(IEnumerable<IBackendSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        return new([.. sections.Select(s => (s, (BackendOptions?)null))]);
    }

    /// <summary>The options of type <typeparamref name="T"/>, or null when the config does not give that section.</summary>
    public T? Get<T>()
        where T : BackendOptions =>
        _entries.Select(e => e.Options).OfType<T>().FirstOrDefault();

    /// <summary>The options of the section called <paramref name="name"/> (ordinal, case-insensitive), or null.</summary>
    public BackendOptions? this[string name] =>
        _entries.FirstOrDefault(e => string.Equals(e.Section.Name, name, StringComparison.OrdinalIgnoreCase)).Options;

    /// <summary>These sections with <paramref name="section"/>'s options set to <paramref name="options"/> (added at the end when new).</summary>
    public BackendSections With(IBackendSection section, BackendOptions? options)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (options is not null && options.GetType() != section.OptionsType)
        {
            throw new ArgumentException($"Section '{section.Name}' holds {section.OptionsType.Name}, not {options.GetType().Name}.", nameof(options));
        }

        int i = Array.FindIndex(_entries, e => e.Section.Name == section.Name);
        var copy = i < 0 ? [.. _entries, (section, options)] : ((IBackendSection, BackendOptions?)[])_entries.Clone();
        if (i >= 0)
        {
            copy[i] = (section, options);
        }

        return new(copy);
    }

    /// <summary>These sections with every options cleared but <paramref name="name"/>'s (a config moved to another backend keeps only that backend's options).</summary>
    public BackendSections Only(string name) =>
        new([.. _entries.Select(e => (e.Section, string.Equals(e.Section.Name, name, StringComparison.OrdinalIgnoreCase) ? e.Options : null))]);

    public bool Equals(BackendSections? other) =>
        other is not null && other._entries.Length == _entries.Length
        && _entries.Zip(other._entries).All(p => p.First.Section.Name == p.Second.Section.Name && Equals(p.First.Options, p.Second.Options));

    public override bool Equals(object? obj) => Equals(obj as BackendSections);

    public override int GetHashCode() => HashCode.Combine(_entries.Length, _entries.Count(e => e.Options is not null));
}
