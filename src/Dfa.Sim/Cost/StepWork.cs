namespace Dfa.Sim.Cost;

/// <summary>
/// The counted work of one phase or one task of a step: operations by kind, bytes moved at the residence level,
/// optical frames and the bytes they send over the host link. Priced by <see cref="RateModel"/>.
/// </summary>
internal sealed class StepWork(string name)
{
    public string Name { get; } = name;

    public Dictionary<StepOp, double> Counts { get; } = [];

    public double Bytes { get; set; }

    public double Frames { get; set; }

    public double LinkBytes { get; set; }

    public void Add(StepOp op, double count)
    {
        if (count > 0)
        {
            Counts[op] = Counts.GetValueOrDefault(op) + count;
        }
    }

    /// <summary>Adds every count, the bytes, frames and link bytes of <paramref name="other"/> to this work.</summary>
    public void Add(StepWork other)
    {
        foreach ((StepOp op, double count) in other.Counts)
        {
            Add(op, count);
        }

        Bytes += other.Bytes;
        Frames += other.Frames;
        LinkBytes += other.LinkBytes;
    }
}
