namespace Dfa.Core.Feedback;

/// <summary>
/// What a feedback projector maps: an output error of <see cref="ErrorSize"/> components to one signal per hidden
/// feedback point, of <see cref="LayerSizes"/>[l] components each.
/// </summary>
public sealed record FeedbackShape
{
    public FeedbackShape(int errorSize, IReadOnlyList<int> layerSizes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(errorSize, 1);
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count == 0)
        {
            throw new ArgumentException("A feedback shape needs at least one hidden layer.", nameof(layerSizes));
        }

        foreach (int size in layerSizes)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1, nameof(layerSizes));
        }

        ErrorSize = errorSize;
        LayerSizes = layerSizes.ToArray();
    }

    public int ErrorSize { get; }

    public IReadOnlyList<int> LayerSizes { get; }

    public int MaxLayerSize => LayerSizes.Max();

    public long TotalLayerSize => LayerSizes.Sum(s => (long)s);

    public bool Equals(FeedbackShape? other) =>
        other is not null && other.ErrorSize == ErrorSize && other.LayerSizes.SequenceEqual(LayerSizes);

    public override int GetHashCode() => HashCode.Combine(ErrorSize, LayerSizes.Count, LayerSizes.Sum());

    public override string ToString() => $"e={ErrorSize} → [{string.Join(", ", LayerSizes)}]";
}
