namespace Dfa.Core.Serialization;

/// <summary>A parsed and verified model file (see <see cref="WeightsFile"/>): its format version and its tensors in file order.</summary>
public sealed record ModelFile(string DisplayName, int Version, IReadOnlyList<ModelTensor> Tensors);
