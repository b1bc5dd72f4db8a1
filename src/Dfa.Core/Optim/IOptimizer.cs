using Dfa.Core.Layers;

namespace Dfa.Core.Optim;

/// <summary>
/// Updates parameters from their <see cref="Parameter.Gradient"/>. <c>weight_decay</c> follows PyTorch's
/// <c>torch.optim</c>: it is added to the gradient (<c>g ← g + λ·w</c>) before the update rule, for every parameter
/// (biases included), for SGD and for Adam alike (Adam's is therefore L2, not AdamW's decoupled decay).
/// </summary>
public interface IOptimizer
{
    /// <summary>The rate the next <see cref="Step"/> uses; schedules change it between epochs.</summary>
    double LearningRate { get; set; }

    /// <summary>Applies one update to every parameter the optimizer was built with, for a step of kind <paramref name="kind"/>.</summary>
    void Step(StepKind kind);
}
