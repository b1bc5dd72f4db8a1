namespace Dfa.Core.Config.Schema;

/// <summary>Field factories for records of type <typeparamref name="T"/>, so only the value type is inferred.</summary>
public static class Keys<T>
{
    /// <summary>A key holding one value: <paramref name="get"/> reads it from the record, <paramref name="set"/> returns a copy with it.</summary>
    /// <param name="key">The YAML key.</param>
    /// <param name="get">Reads the value from a record.</param>
    /// <param name="set">A copy of the record with the value (<c>(c, v) =&gt; c with { X = v }</c>).</param>
    /// <param name="type">How the value is read, range-checked and rendered.</param>
    /// <param name="doc">What the key means, one line.</param>
    public static Field<T> F<TValue>(string key, Func<T, TValue> get, Func<T, TValue, T> set, ValueType<TValue> type, string? doc = null) =>
        new ValueField<T, TValue>(key, get, set, type, doc);

    /// <summary>A key holding a nested mapping that is always present.</summary>
    public static Field<T> S<TSection>(string key, Section<TSection> section, Func<T, TSection> get, Func<T, TSection, T> set) =>
        new SectionField<T, TSection>(key, section, get, set);

    /// <summary>A key holding a nested mapping that is null when absent; <paramref name="create"/> gives its defaults.</summary>
    public static Field<T> Optional<TSection>(string key, Section<TSection> section, Func<T, TSection?> get, Func<T, TSection?, T> set, Func<TSection> create)
        where TSection : class =>
        new OptionalSectionField<T, TSection>(key, section, get, set, create);
}
