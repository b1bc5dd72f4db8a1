using Dfa.Core.Feedback;

namespace Dfa.Core.Methods;

/// <summary>
/// One module of a method's step: blocks <see cref="Start"/> to <see cref="Top"/> (inclusive), trained by DFA from the
/// module's error. The top module's error is the output error (<c>e</c> components); a lower module's is the gradient
/// at its top block's output. <see cref="Shape"/> is the module's projection (the error onto every trained block of the
/// module but its top), null when the module is one block; its matrices are named by <see cref="Seed"/>.
/// </summary>
public sealed record ModulePlan(int Start, int Top, int ErrorSize, FeedbackShape? Shape, ulong Seed);
