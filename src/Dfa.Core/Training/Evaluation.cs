namespace Dfa.Core.Training;

/// <summary>Mean cross-entropy and accuracy (fraction) of a network on a dataset in evaluation mode.</summary>
public readonly record struct Evaluation(double Loss, double Accuracy, int Count);
