using Dfa.Core.Config;
using Dfa.Core.Feedback;

namespace Dfa.Testing.Contract;

/// <summary>
/// One configuration of a backend that the contract suite (<see cref="FeedbackBackendContract"/>) runs against.
/// <paramref name="Exact"/> is false for backends with noise: they are held to determinism, counts and storage, and
/// to correlation with the reference instead of equality. <paramref name="Tolerance"/> multiplies the float rounding
/// bound of the reference check. Shapes with fewer than <paramref name="MinErrorSize"/> error components are skipped
/// (e.g. k = 3 connections need three distinct components); the backend must reject them with a user error.
/// </summary>
public sealed record BackendCase(string Name, IFeedbackBackend Backend, FeedbackConfig Options, bool Exact = true, double Tolerance = 1, int MinErrorSize = 1)
{
    public override string ToString() => Name;
}
