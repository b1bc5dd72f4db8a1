namespace Dfa.Core.Data;

/// <summary>
/// A labelled classification set held in memory: <see cref="Count"/> samples of <see cref="Features"/> float32
/// features each (row-major in <see cref="Inputs"/>) and one class index per sample in <see cref="Labels"/>.
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, int features, int classes, float[] inputs, int[] labels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Length != (long)labels.Length * features)
        {
            throw new ArgumentException(
                $"{labels.Length} labels need {(long)labels.Length * features} inputs of {features} features, got {inputs.Length}.",
                nameof(inputs));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentException($"Label {labels[i]} of sample {i} is outside 0..{classes - 1}.", nameof(labels));
            }
        }

        Name = name;
        Features = features;
        Classes = classes;
        Inputs = inputs;
        Labels = labels;
    }

    public string Name { get; }

    public int Count => Labels.Length;

    public int Features { get; }

    public int Classes { get; }

    public float[] Inputs { get; }

    public int[] Labels { get; }

    public ReadOnlySpan<float> Sample(int index) => Inputs.AsSpan(index * Features, Features);

    /// <summary>A new dataset of the samples at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(string name, ReadOnlySpan<int> indices)
    {
        var inputs = new float[(long)indices.Length * Features];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Sample(indices[i]).CopyTo(inputs.AsSpan(i * Features, Features));
            labels[i] = Labels[indices[i]];
        }

        return new Dataset(name, Features, Classes, inputs, labels);
    }
}
