namespace Dfa.Core.Feedback;

/// <summary>
/// What a projector keeps to realise its feedback matrices, in bits by kind, so a simulator can price memory for a
/// shape nobody allocates. <see cref="MatrixBytes"/> is what the device stores; <see cref="CalibrationBytes"/> is
/// host-side data measured once (an optical unit's reference intensities), not part of any matrix.
/// </summary>
/// <param name="Layout">One line a user reads, e.g. <c>float32, one e×n_l matrix per layer</c>.</param>
/// <param name="WeightBits">Bits holding weight values (or signs).</param>
/// <param name="IndexBits">Bits holding connection indices (sparse layouts).</param>
/// <param name="PaddingBits">Bits spent on alignment padding.</param>
/// <param name="CalibrationBytes">Host-side calibration data, in bytes.</param>
public sealed record FeedbackStorage(string Layout, long WeightBits, long IndexBits, long PaddingBits, long CalibrationBytes)
{
    /// <summary>Bytes of feedback matrix storage: weights, indices and padding, rounded up to whole bytes.</summary>
    public long MatrixBytes => checked(WeightBits + IndexBits + PaddingBits + 7) / 8;

    public override string ToString() =>
        $"{Layout}: {MatrixBytes} B matrix ({WeightBits} weight bits, {IndexBits} index bits, {PaddingBits} padding bits), {CalibrationBytes} B calibration";
}
