namespace Dfa.Sim.Profiles;

/// <summary>Qualitative facts a cost model needs beyond numbers, listed under <c>capabilities:</c> in a profile.</summary>
public enum ProfileCapability
{
    /// <summary><c>feedback_prng</c>: the feedback matrix is regenerated on chip from a seed, so it takes 0 bytes and no memory traffic (DF-LNPU).</summary>
    FeedbackPrng,

    /// <summary><c>feedback_in_medium</c>: the feedback matrix is a physical medium (an OPU's scattering medium), never stored.</summary>
    FeedbackInMedium,

    /// <summary><c>adder_only_feedback</c>: a ±1 feedback matrix is applied with adds and subtracts only, no multiplier.</summary>
    AdderOnlyFeedback,

    /// <summary><c>graded_spikes</c>: spikes carry an integer payload (Loihi 2), not just their arrival.</summary>
    GradedSpikes,
}
