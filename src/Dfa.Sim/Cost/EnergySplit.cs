namespace Dfa.Sim.Cost;

/// <summary>Energy of one training step by where it goes, in joules.</summary>
public sealed record EnergySplit(double Compute, double OnChip, double OffChip, double Optical, double Static)
{
    public double Total => Compute + OnChip + OffChip + Optical + Static;
}
