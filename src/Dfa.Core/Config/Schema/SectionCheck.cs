using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>
/// Handed to a <see cref="BackendSection{T}"/>'s check: <see cref="Fail"/> refuses the options at the node of the
/// first named key the config set (so the error names file, line and column), or at the section.
/// </summary>
public sealed class SectionCheck
{
    private readonly string _path;
    private readonly BindContext? _ctx;
    private readonly YNode? _fallback;

    internal SectionCheck(string path, BindContext? ctx, YNode? fallback)
    {
        _path = path;
        _ctx = ctx;
        _fallback = fallback;
    }

    /// <summary>A check of options built in code, not read from a config: failures are plain input errors.</summary>
    internal static SectionCheck InCode { get; } = new(string.Empty, null, null);

    /// <summary>Refuses the options.</summary>
    /// <param name="problem">One line, naming the keys with their full dotted paths.</param>
    /// <param name="keys">The section's keys involved, relative to the section (e.g. <c>connections</c>), most likely culprit first.</param>
    /// <exception cref="ConfigException">Always, for options read from a config.</exception>
    /// <exception cref="DfaInputException">Always, for options built in code.</exception>
    public void Fail(string problem, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(keys);
        if (_ctx is null || _fallback is null)
        {
            throw new DfaInputException(problem);
        }

        YNode? at = null;
        foreach (string key in keys)
        {
            at ??= _ctx.ValueAt($"{_path}.{key}");
        }

        throw (at ?? _ctx.KeyAt(_path) ?? _fallback).Error(problem);
    }
}
