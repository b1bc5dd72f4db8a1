namespace Dfa.Backends.Binary;

/// <summary>How the binary backend encodes the output error before projecting it.</summary>
public enum ErrorEncoding
{
    /// <summary>The float32 error as it is.</summary>
    Float,

    /// <summary>
    /// Ternarised per sample: <c>t_i = sign(e_i)</c> where <c>|e_i| &gt; threshold·max_j |e_j|</c>, else 0, times
    /// the sample's scale <c>α</c> = the mean <c>|e_i|</c> over the kept components (the least-squares scale).
    /// </summary>
    Ternary,
}
