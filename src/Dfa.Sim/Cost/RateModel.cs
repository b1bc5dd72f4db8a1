using Dfa.Sim.Profiles;

namespace Dfa.Sim.Cost;

/// <summary>
/// The rates and energies of one profile, by operation, for work resident in <c>home</c>; <c>gemm</c> picks
/// <c>gemm_efficiency</c> over <c>gemv_efficiency</c> (see <see cref="CostModel"/> for every rule).
/// </summary>
internal sealed class RateModel(Prices prices, Prices.Level home, bool gemm)
{
    /// <summary>
    /// The roofline of every kernel of <paramref name="w"/>, summed: kernels run one after another, each taking
    /// <c>max(Σ ops/rate, bytes/bandwidth)</c> plus its optical time.
    /// </summary>
    public PhaseCost Time(StepWork w)
    {
        double compute = 0, memory = 0, optical = 0, seconds = 0;
        foreach (StepWork k in w.Kernels)
        {
            double c = k.Counts.Sum(kv => kv.Value / Rate(kv.Key, k.Rows));
            double m = k.Bytes / home.BandwidthBytesPerS;
            double o = 0;
            if (k.Frames > 0)
            {
                o = k.Frames * prices["optical.frame_time_s"];
                if (prices.Find("optical.host_link_bytes_per_s") is { } link and > 0)
                {
                    o = Math.Max(o, k.LinkBytes / link);
                }
            }

            compute += c;
            memory += m;
            optical += o;
            seconds += Math.Max(c, m) + o;
        }

        return new PhaseCost(w.Name, compute, memory, optical, seconds);
    }

    public double ComputeEnergy(StepWork w) => w.Kernels.Sum(k => k.Counts.Sum(kv => kv.Value * Energy(kv.Key)));

    /// <summary>
    /// <c>m / (m + m½)</c> for a product (any multiply-accumulate) of <paramref name="rows"/> rows on a profile with
    /// <c>gemm_half_rows</c>, the factor on its efficiency (<c>gemm_efficiency</c>, or <c>tensor_gemm_efficiency</c> on
    /// tensor cores); 1 otherwise.
    /// </summary>
    private double CurveFactor(StepOp op, double? rows) =>
        op is StepOp.Fp32Mac or StepOp.Fp16Mac or StepOp.Tf32Mac or StepOp.Bf16Mac or StepOp.Int8Mac
        && rows is { } m && prices.Find("compute.gemm_half_rows") is { } half
            ? m / (m + half)
            : 1;

    private double Rate(StepOp op, double? rows = null)
    {
        switch (prices.Kind)
        {
            case ProfileKind.Neuromorphic:
                return op switch
                {
                    StepOp.ParameterWrite => prices.Find("neuromorphic.synaptic_updates_per_s") ?? prices["neuromorphic.synaptic_ops_per_s"],

                    // A time step lasts time_step_s (its spikes and messages run inside it; its synaptic ops are
                    // priced at synaptic_ops_per_s on top: a conservative sum, not an overlap).
                    StepOp.TimeStep => prices.Find("neuromorphic.time_step_s") is { } step and > 0 ? 1 / step : double.PositiveInfinity,
                    StepOp.Spike or StepOp.CoreMessage => double.PositiveInfinity,
                    _ => prices["neuromorphic.synaptic_ops_per_s"],
                };
            case ProfileKind.Cim:
                if (op is StepOp.CellRead or StepOp.DacConversion or StepOp.AdcConversion)
                {
                    return double.PositiveInfinity; // inside the array activation that performs them
                }

                if (op == StepOp.ArrayActivation)
                {
                    // Arrays work in parallel; one activation takes a read pulse per column group sharing an ADC.
                    return prices["cim.arrays"] / (prices["cim.read_pulse_s"] * (prices.Find("cim.columns_per_adc") ?? 1));
                }

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
                // With a fitted curve there is no batch threshold: products follow the curve, everything else runs at
                // gemm_efficiency; without one, the step's batch picks gemm_efficiency or gemv_efficiency.
                bool curve = prices.Find("compute.gemm_half_rows") is not null;
                double factor = CurveFactor(op, rows);
                double eff = (gemm || curve ? prices["compute.gemm_efficiency"] : prices["compute.gemv_efficiency"]) * factor;
                double tensor = gemm || curve ? (prices.Find("compute.tensor_gemm_efficiency") * factor) ?? eff : eff;
                double fp32 = prices["compute.fp32_flops_per_s"];
                double integer = prices.Find("compute.int_add_ops_per_s") ?? fp32;
                return op switch
                {
                    StepOp.Fp32Mac => fp32 / 2 * eff,
                    StepOp.Fp16Mac => prices.Find("compute.fp16_flops_per_s") is { } fp16 ? fp16 / 2 * tensor : fp32 / 2 * eff,
                    StepOp.Tf32Mac => prices["compute.tf32_flops_per_s"] / 2 * tensor,
                    StepOp.Bf16Mac => prices["compute.bf16_flops_per_s"] / 2 * tensor,
                    StepOp.Int8Mac => prices["compute.int8_ops_per_s"] / 2 * tensor,
                    StepOp.Fp32Add or StepOp.Fp32Mul or StepOp.Fp32Compare or StepOp.Elementwise => fp32 * eff,
                    StepOp.IntAdd or StepOp.IndexRead => integer * eff,
                    StepOp.Popcount => (prices.Find("compute.popcount_words_per_s") ?? integer) * eff,
                    _ => double.PositiveInfinity, // a parameter write is bytes on digital hardware, counted in Bytes
                };
        }
    }

    /// <summary>Joules of one <paramref name="op"/> on this profile.</summary>
    public double Energy(StepOp op)
    {
        switch (prices.Kind)
        {
            case ProfileKind.Neuromorphic:
                return op switch
                {
                    StepOp.ParameterWrite => prices["neuromorphic.synaptic_update_j"],
                    StepOp.Spike => prices.Find("neuromorphic.spike_j") ?? 0,
                    StepOp.CoreMessage => prices.Find("neuromorphic.core_message_j") ?? 0,
                    StepOp.TimeStep => 0,
                    _ => prices["neuromorphic.synaptic_op_j"],
                };
            case ProfileKind.Cim:
                return op switch
                {
                    StepOp.ParameterWrite => prices["cim.write_j_per_cell"],
                    StepOp.ArrayActivation => 0, // its energy is its cell reads and conversions
                    StepOp.CellRead => prices.Find("cim.cell_read_j") ?? prices["cim.mac_j"] / 2,
                    StepOp.DacConversion => prices.Find("cim.dac_conversion_j") ?? 0,
                    StepOp.AdcConversion => prices.Find("cim.adc_conversion_j") ?? 0,
                    _ => prices["cim.mac_j"],
                };
            default:
                double mac = prices["energy.fp32_mac_j"];
                double add = prices["energy.fp32_add_j"];
                double integer = prices.Find("energy.int_add_j") ?? add;
                return op switch
                {
                    StepOp.Fp32Mac or StepOp.Fp32Mul or StepOp.Elementwise or StepOp.Tf32Mac => mac,
                    StepOp.Fp16Mac or StepOp.Bf16Mac => prices.Find("energy.fp16_mac_j") ?? mac,
                    StepOp.Int8Mac => prices.Find("energy.int8_mac_j") ?? mac,
                    StepOp.Fp32Add or StepOp.Fp32Compare => add,
                    StepOp.IntAdd or StepOp.IndexRead or StepOp.Popcount => integer,
                    _ => 0, // bytes, priced by the memory level
                };
        }
    }
}
