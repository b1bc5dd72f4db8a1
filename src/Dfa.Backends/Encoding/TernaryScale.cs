namespace Dfa.Backends.Encoding;

/// <summary>How a ternarised error is scaled back (see <see cref="Ternarizer"/>).</summary>
public enum TernaryScale
{
    /// <summary>One scale α per sample: the mean |e_i| over the kept components.</summary>
    Shared,

    /// <summary>Two scales per sample: α⁺ over the kept positive components, α⁻ over the kept negative ones.</summary>
    PerSign,
}
