namespace Dfa.Sim.Cost;

/// <summary>
/// The counted work of one kernel, task or phase of a step: operations by kind, bytes moved at the residence level,
/// optical frames and the bytes they send over the host link, and the kernels added to it (<see cref="Add(StepWork)"/>),
/// which run after it, each limited by its own arithmetic or its own traffic. Priced by <see cref="RateModel"/>.
/// </summary>
internal sealed class StepWork(string name)
{
    private readonly List<StepWork> _after = [];

    public string Name { get; } = name;

    /// <summary>This kernel's own operations (not those of the kernels added after it).</summary>
    public Dictionary<StepOp, double> Counts { get; } = [];

    /// <summary>This kernel's own bytes.</summary>
    public double Bytes { get; set; }

    public double Frames { get; set; }

    /// <summary>A product kernel's GEMM rows (batch × positions), for a profile's <c>gemm_half_rows</c> curve; null for other kernels.</summary>
    public double? Rows { get; set; }

    public double LinkBytes { get; set; }

    /// <summary>This kernel, then every kernel added after it, in order: each is one roofline.</summary>
    public IEnumerable<StepWork> Kernels
    {
        get
        {
            yield return this;
            foreach (StepWork w in _after)
            {
                foreach (StepWork k in w.Kernels)
                {
                    yield return k;
                }
            }
        }
    }

    /// <summary>Bytes of every kernel.</summary>
    public double TotalBytes => Kernels.Sum(k => k.Bytes);

    /// <summary>Optical frames of every kernel.</summary>
    public double TotalFrames => Kernels.Sum(k => k.Frames);

    public void Add(StepOp op, double count)
    {
        if (count > 0)
        {
            Counts[op] = Counts.GetValueOrDefault(op) + count;
        }
    }

    /// <summary>Runs <paramref name="other"/> (and the kernels after it) after this work's kernels.</summary>
    public void Add(StepWork other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _after.Add(other);
    }

    /// <summary>A new kernel named <paramref name="kernel"/>, run after this work's kernels.</summary>
    public StepWork Then(string kernel)
    {
        var k = new StepWork(kernel);
        _after.Add(k);
        return k;
    }
}
