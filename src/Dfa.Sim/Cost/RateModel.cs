using Dfa.Sim.Profiles;

namespace Dfa.Sim.Cost;

/// <summary>
/// The rates and energies of one profile, by operation, for work resident in <c>home</c>; <c>gemm</c> picks
/// <c>gemm_efficiency</c> over <c>gemv_efficiency</c> (see <see cref="CostModel"/> for every rule).
/// </summary>
internal sealed class RateModel(Prices prices, Prices.Level home, bool gemm)
{
    public PhaseCost Time(StepWork w)
    {
        double compute = w.Counts.Sum(kv => kv.Value / Rate(kv.Key));
        double memory = w.Bytes / home.BandwidthBytesPerS;
        double optical = 0;
        if (w.Frames > 0)
        {
            optical = w.Frames * prices["optical.frame_time_s"];
            if (prices.Find("optical.host_link_bytes_per_s") is { } link and > 0)
            {
                optical = Math.Max(optical, w.LinkBytes / link);
            }
        }

        return new PhaseCost(w.Name, compute, memory, optical, Math.Max(compute, memory) + optical);
    }

    public double ComputeEnergy(StepWork w) => w.Counts.Sum(kv => kv.Value * Energy(kv.Key));

    private double Rate(StepOp op)
    {
        switch (prices.Kind)
        {
            case ProfileKind.Neuromorphic:
                return op == StepOp.ParameterWrite
                    ? prices.Find("neuromorphic.synaptic_updates_per_s") ?? prices["neuromorphic.synaptic_ops_per_s"]
                    : prices["neuromorphic.synaptic_ops_per_s"];
            case ProfileKind.Cim:
                if (op == StepOp.ParameterWrite)
                {
                    // Rows of every array are written in parallel, one row per write pulse.
                    double perRow = prices.Find("cim.write_s_per_row") ?? 0;
                    return perRow > 0 ? prices["cim.array_cols"] * prices["cim.arrays"] / perRow : double.PositiveInfinity;
                }

                // Each read pulse finishes the columns one ADC serves in turn: columns_per_adc pulses per product.
                return prices["cim.arrays"] * prices["cim.array_rows"] * prices["cim.array_cols"]
                    / (prices["cim.read_pulse_s"] * (prices.Find("cim.columns_per_adc") ?? 1));
            default:
                double eff = gemm ? prices["compute.gemm_efficiency"] : prices["compute.gemv_efficiency"];
                double fp32 = prices["compute.fp32_flops_per_s"];
                double integer = prices.Find("compute.int_add_ops_per_s") ?? fp32;
                return op switch
                {
                    StepOp.Fp32Mac => fp32 / 2 * eff,
                    StepOp.Fp16Mac => (prices.Find("compute.fp16_flops_per_s") ?? fp32) / 2 * eff,
                    StepOp.Fp32Add or StepOp.Fp32Mul or StepOp.Fp32Compare => fp32 * eff,
                    StepOp.IntAdd or StepOp.IndexRead => integer * eff,
                    StepOp.Popcount => (prices.Find("compute.popcount_words_per_s") ?? integer) * eff,
                    _ => double.PositiveInfinity, // a parameter write is bytes on digital hardware, counted in Bytes
                };
        }
    }

    private double Energy(StepOp op)
    {
        switch (prices.Kind)
        {
            case ProfileKind.Neuromorphic:
                return op == StepOp.ParameterWrite ? prices["neuromorphic.synaptic_update_j"] : prices["neuromorphic.synaptic_op_j"];
            case ProfileKind.Cim:
                return op == StepOp.ParameterWrite ? prices["cim.write_j_per_cell"] : prices["cim.mac_j"];
            default:
                double mac = prices["energy.fp32_mac_j"];
                double add = prices["energy.fp32_add_j"];
                double integer = prices.Find("energy.int_add_j") ?? add;
                return op switch
                {
                    StepOp.Fp32Mac or StepOp.Fp32Mul => mac,
                    StepOp.Fp16Mac => prices.Find("energy.fp16_mac_j") ?? mac,
                    StepOp.Fp32Add or StepOp.Fp32Compare => add,
                    StepOp.IntAdd or StepOp.IndexRead or StepOp.Popcount => integer,
                    _ => 0, // bytes, priced by the memory level
                };
        }
    }
}
