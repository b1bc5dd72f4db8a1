using Dfa.Core.Config.Schema;

namespace Dfa.Core.Feedback;

/// <summary>
/// A named option set of a backend worth measuring (the feedback bench runs the defaults and each variant), with the
/// speed it is held to at e = 1000 → 2 × 4096 against the reference backend in the same run.
/// </summary>
/// <param name="Label">The bench line's label, e.g. <c>binary-ternary</c>.</param>
/// <param name="Options">The backend's options; null for its defaults.</param>
/// <param name="Targets">The speed targets, by batch size.</param>
public sealed record BackendVariant(string Label, BackendOptions? Options, IReadOnlyList<SpeedTarget> Targets);

/// <summary>
/// A speed a backend is held to on the feedback bench at <paramref name="Batch"/> samples per call: at least
/// <paramref name="Minimum"/> times the reference backend's vectors per second when <paramref name="OnRatio"/>,
/// else at least <paramref name="Minimum"/> vectors per second; null <paramref name="Minimum"/> measures without a target.
/// </summary>
public sealed record SpeedTarget(int Batch, bool OnRatio = true, double? Minimum = null);
