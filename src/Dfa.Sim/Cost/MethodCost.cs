namespace Dfa.Sim.Cost;

/// <summary>
/// The price of one training step of a method (BP, FA, DFA, HYBRID, MODULAR, HDFA, with a frozen prefix) on one
/// network, profile and batch size: expected values over the method's kinds of step (HDFA: <c>p</c> BP steps and
/// <c>1 − p</c> DFA steps), and each kind's schedule. Every number is counted work times a profile price;
/// <see cref="Operations"/> and <see cref="BytesByLevel"/> are the counted work. Built by <see cref="CostModel.Price"/>.
/// </summary>
public sealed record MethodCost
{
    /// <summary>The network's name (<c>+input</c> when it has a feedback point at the input).</summary>
    public required string Workload { get; init; }

    /// <summary>Output units, the error size <c>e</c>.</summary>
    public required int Outputs { get; init; }

    /// <summary><c>BP</c>, <c>FA</c>, <c>DFA</c>, <c>HYBRID</c>, <c>MODULAR</c> or <c>HDFA</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The feedback backend of the projections; null when no step projects anything (BP, FA, modules of one block).</summary>
    public required string? Backend { get; init; }

    /// <summary>The projections' storage layout (<c>none</c> without one).</summary>
    public required string Layout { get; init; }

    /// <summary>The projections' arithmetic: <c>fp32</c>, <c>fp16</c>, <c>1-bit</c> or <c>analog</c>.</summary>
    public required string Precision { get; init; }

    /// <summary>The run's arithmetic (<see cref="Cost.Precision"/>): <c>fp32</c>, <c>tf32</c>, <c>fp16 mixed</c>, <c>bf16 mixed</c> or <c>int8</c>.</summary>
    public string Arithmetic { get; init; } = "fp32";

    /// <summary>The frozen blocks, in order.</summary>
    public required IReadOnlyList<string> Frozen { get; init; }

    public required string Profile { get; init; }

    public required int Batch { get; init; }

    /// <summary>Bytes of feedback matrices kept (every module's projection; FA's <c>B</c> matrices); 0 when regenerated on chip.</summary>
    public required long FeedbackStorageBytes { get; init; }

    /// <summary>Bytes the step needs resident (see <see cref="CostModel"/>).</summary>
    public required double WorkingSetBytes { get; init; }

    /// <summary>Whether the working set fits the profile's largest memory level (a verdict, not an error).</summary>
    public required bool Fits { get; init; }

    /// <summary>
    /// Why the profile's device cannot run this step's feedback at these options (a backend's
    /// <see cref="Dfa.Core.Feedback.FeedbackPrediction.Infeasible"/>: too few cores, no graded spikes …), or null. Such a
    /// step is priced anyway and does not <see cref="Fits"/>.
    /// </summary>
    public string? CannotRun { get; init; }

    /// <summary>The closest memory level the working set fits in, or <c>none</c>.</summary>
    public required string Residence { get; init; }

    /// <summary>Expected seconds per step, <c>Σ_k P(k)·time_k</c> over the kinds of step.</summary>
    public required double TimeSeconds { get; init; }

    /// <summary>Expected critical path, <c>Σ_k P(k)·cp_k</c>: every block on its own compute.</summary>
    public required double CriticalPathSeconds { get; init; }

    /// <summary><see cref="TimeSeconds"/> × the profile's clock.</summary>
    public required double Cycles { get; init; }

    /// <summary>Expected energy per step.</summary>
    public required EnergySplit Energy { get; init; }

    public double EnergyJ => Energy.Total;

    public double SamplesPerSecond => Batch / TimeSeconds;

    /// <summary>Expected counted operations per step, by kind (e.g. <c>fp32_mac</c>, <c>int_add</c>, <c>optical_frames</c>).</summary>
    public required IReadOnlyDictionary<string, double> Operations { get; init; }

    /// <summary>
    /// Expected compute energy of the step by operation kind, J (e.g. <c>cell_read</c>, <c>dac_conversion</c>,
    /// <c>adc_conversion</c>, <c>fp32_add</c>): the NeuroSim-style split of <see cref="EnergySplit.Compute"/>.
    /// </summary>
    public required IReadOnlyDictionary<string, double> EnergyByOperation { get; init; }

    /// <summary>Expected bytes moved per memory level during the step.</summary>
    public required IReadOnlyDictionary<string, double> BytesByLevel { get; init; }

    /// <summary>The kinds of step with their probabilities and schedules.</summary>
    public required IReadOnlyList<StepSchedule> Steps { get; init; }

    /// <summary>The phases of a method with one kind of step (every method but HDFA).</summary>
    /// <exception cref="InvalidOperationException">The method has two kinds of step.</exception>
    public IReadOnlyList<PhaseCost> Phases => Steps.Count == 1 ? Steps[0].Phases : throw new InvalidOperationException($"{Method} has {Steps.Count} kinds of step; read each step's phases.");
}
