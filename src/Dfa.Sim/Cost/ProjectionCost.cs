namespace Dfa.Sim.Cost;

/// <summary>One feedback projection priced alone (<see cref="CostModel.PriceProjection"/>).</summary>
/// <param name="TimeSeconds">Its roofline time, optical frames included.</param>
/// <param name="EnergyJ">Its operations' energy, its bytes at <paramref name="Residence"/>, its optical frames; no static power.</param>
/// <param name="Residence">The memory level its matrices are read from.</param>
public sealed record ProjectionCost(double TimeSeconds, double EnergyJ, string Residence);
