using Dfa.Core.Feedback;

namespace Dfa.Backends.Spiking;

/// <summary>
/// The partition of the <c>B_l</c> over a chip's cores and the counted work that follows from it, shared by
/// <see cref="SpikingBackend.Predict"/> and <see cref="SpikingProjector"/> (see <see cref="SpikingOptions"/> for the
/// mapping rule).
/// </summary>
internal sealed record SpikingGeometry(FeedbackShape Shape, SpikingOptions Options)
{
    /// <summary>Bits of one stored weight: <c>weight_bits</c>, or 32 for float weights.</summary>
    public int BitsPerWeight => Options.WeightBits == 0 ? 32 : Options.WeightBits;

    /// <summary>Synapses one core holds at this weight width: <c>synapses_per_core·8/bits</c>.</summary>
    public long SynapsesPerCore => (long)Options.SynapsesPerCore * 8 / BitsPerWeight;

    /// <summary><c>c = min(neurons_per_core, ⌊synapses/e⌋)</c>: hidden units per core.</summary>
    public long UnitsPerCore => Math.Min(Options.NeuronsPerCore, SynapsesPerCore / Shape.ErrorSize);

    /// <summary>Cores layer <paramref name="layer"/> occupies: <c>⌈n_l/c⌉</c> (0 when no unit fits a core).</summary>
    public long CoresOf(int layer) => UnitsPerCore == 0 ? 0 : (Shape.LayerSizes[layer] + UnitsPerCore - 1) / UnitsPerCore;

    /// <summary>Cores the mapping uses: <c>Σ_l ⌈n_l/c⌉</c>.</summary>
    public long CoresUsed => Enumerable.Range(0, Shape.LayerSizes.Count).Sum(CoresOf);

    /// <summary>Why the matrices do not fit the chip, or null.</summary>
    public string? Infeasible
    {
        get
        {
            long e = Shape.ErrorSize;
            if (UnitsPerCore == 0)
            {
                return $"one hidden unit needs e = {e} synapses of {BitsPerWeight} bits, more than a core holds ({SynapsesPerCore})";
            }

            if (CoresUsed > Options.Cores)
            {
                return $"B needs {CoresUsed} cores at {UnitsPerCore} units per core, the chip has {Options.Cores}";
            }

            if (CoresUsed > Options.FanOut)
            {
                return $"an error spike must reach {CoresUsed} cores, the fan-out limit is {Options.FanOut}";
            }

            return null;
        }
    }

    /// <summary>Storage: <c>e·N</c> synapses at <c>BitsPerWeight</c> (exact: float32) plus an 8-bit exponent per used core.</summary>
    public FeedbackStorage Storage()
    {
        long e = Shape.ErrorSize;
        long n = Shape.TotalLayerSize;
        long exponents = Options.WeightBits == 0 ? 0 : 8 * CoresUsed;
        string weights = Options.WeightBits == 0 ? "float32 synapses" : $"{Options.WeightBits}-bit synapses + a shared exponent per core";
        return new FeedbackStorage($"spiking: {weights} on {CoresUsed} of {Options.Cores} cores ({UnitsPerCore} units per core)", checked((e * n * BitsPerWeight) + exponents), 0, 0, 0);
    }

    /// <summary>
    /// Quantising the weights: per weight a compare for its core's largest magnitude, a division and a clamp (two
    /// compares); per core, <c>largest/M</c> (a division) and its exponent (an integer add). Divisions count as multiplies.
    /// </summary>
    public ActionCounts Setup()
    {
        long weights = checked((long)Shape.ErrorSize * Shape.TotalLayerSize);
        var c = new ActionCounts();
        if (Options.WeightBits != 0)
        {
            c.Add(HardwareAction.Fp32Compare, checked(3 * weights));
            c.Add(HardwareAction.Fp32Multiply, checked(weights + CoresUsed));
            c.Add(HardwareAction.Int32Add, CoresUsed);
        }

        return c;
    }

    /// <summary>The work of one projection of <paramref name="batch"/> samples (see <see cref="SpikingProjector"/>).</summary>
    public ActionCounts PerProjection(int batch)
    {
        long b = batch;
        long e = Shape.ErrorSize;
        long n = Shape.TotalLayerSize;
        long k = Options.EventsPerSample(Shape.ErrorSize);
        long events = checked(b * k);
        var c = new ActionCounts();
        c.Add(HardwareAction.SpikesSent, events);
        c.Add(HardwareAction.SynapticOps, checked(events * n));
        c.Add(HardwareAction.CoreMessages, checked(events * CoresUsed));
        c.Add(HardwareAction.SpikeTimeSteps, checked(b * Options.StepsPerSample));
        if (Options.Encoding == SpikeEncoding.Rate)
        {
            // ‖e‖₁ and the remainders; the shares (a multiply and a division each) and the read-out scale; floors,
            // their sum, the leftover and one increment per selection pass; one compare per component per pass.
            long passes = Math.Min(Options.TimeSteps, e - 1);
            c.Add(HardwareAction.Fp32Add, checked(2 * b * e));
            c.Add(HardwareAction.Fp32Compare, checked(b * (1 + (passes * e))));
            c.Add(HardwareAction.Int32Add, checked(b * ((2 * e) + 1 + passes)));
            c.Add(HardwareAction.Fp32Multiply, checked(b * ((2 * e) + 1)));
        }
        else
        {
            // The max pass and "anything to send"; k selection passes when k < e; payloads and their scale.
            long passes = k < e ? k : 0;
            c.Add(HardwareAction.Fp32Compare, checked(b * (e + 1 + (passes * e))));
            c.Add(HardwareAction.Fp32Multiply, Options.PayloadBits == 0 ? 0 : checked(b * ((2 * k) + 1)));
        }

        // Read-out: the core's 2^x (an exponent add) with quantised weights, and the event scale.
        c.Add(HardwareAction.Int32Add, Options.WeightBits == 0 ? 0 : checked(b * n));
        c.Add(HardwareAction.Fp32Multiply, checked(b * n));
        c.Add(HardwareAction.ErrorBytesRead, checked(4 * b * e));
        c.Add(HardwareAction.SignalBytesWritten, checked(4 * b * n));
        return c;
    }
}
