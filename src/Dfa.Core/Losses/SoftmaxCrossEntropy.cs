using Dfa.Core.Tensors;

namespace Dfa.Core.Losses;

/// <summary>
/// Softmax followed by cross-entropy on integer labels, fused so it stays finite for any finite logits:
/// per row, <c>ℓ = log Σ_k e^(z_k − m) + m − z_y</c> with <c>m = max_k z_k</c>, and the returned loss is the mean
/// <c>(1/N)·Σ ℓ</c> (PyTorch's <c>cross_entropy</c> with <c>reduction='mean'</c>). Its gradient is
/// <c>∂L/∂z = (softmax(z) − onehot(y))/N</c>, which is also DFA's output error <c>e</c> up to the 1/N.
/// Arithmetic after reading each float logit is in double, so the loss carries no float32 summation error.
/// </summary>
public sealed class SoftmaxCrossEntropy
{
    /// <summary>
    /// Returns the mean cross-entropy of <paramref name="logits"/> (batch × classes) against <paramref name="labels"/>
    /// and, when <paramref name="gradient"/> is not null, overwrites it with <c>(softmax − onehot)/N</c>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The batch is empty, <paramref name="labels"/> does not have one label per row, <paramref name="gradient"/> has
    /// another shape than <paramref name="logits"/>, or a label is outside <c>[0, classes)</c>.
    /// </exception>
    public double Compute(Matrix logits, ReadOnlySpan<int> labels, Matrix? gradient)
    {
        Validate(logits, labels);
        if (gradient is not null)
        {
            logits.ThrowIfShapeDiffers(gradient, nameof(gradient));
        }

        int n = logits.Rows;
        int classes = logits.Cols;
        double invN = 1.0 / n;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> z = logits.Row(i);
            int label = labels[i];
            double max = z[0];
            for (int k = 1; k < classes; k++)
            {
                max = Math.Max(max, z[k]);
            }

            double sum = 0;
            for (int k = 0; k < classes; k++)
            {
                sum += Math.Exp(z[k] - max);
            }

            double logSumExp = Math.Log(sum) + max;
            total += logSumExp - z[label];
            if (gradient is not null)
            {
                Span<float> g = gradient.Row(i);
                for (int k = 0; k < classes; k++)
                {
                    // exp(z − logsumexp) instead of exp(z − max)/sum: same value, one division fewer per element.
                    double p = Math.Exp(z[k] - logSumExp);
                    g[k] = (float)((p - (k == label ? 1.0 : 0.0)) * invN);
                }
            }
        }

        return total * invN;
    }

    /// <summary>
    /// Counts the rows whose arg-max logit (the first one on ties, as <c>torch.argmax</c>) equals the label.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Compute"/>.</exception>
    public int CountCorrect(Matrix logits, ReadOnlySpan<int> labels)
    {
        Validate(logits, labels);
        int correct = 0;
        for (int i = 0; i < logits.Rows; i++)
        {
            ReadOnlySpan<float> z = logits.Row(i);
            int best = 0;
            for (int k = 1; k < z.Length; k++)
            {
                if (z[k] > z[best])
                {
                    best = k;
                }
            }

            if (best == labels[i])
            {
                correct++;
            }
        }

        return correct;
    }

    private static void Validate(Matrix logits, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Rows == 0 || logits.Cols == 0)
        {
            throw new ArgumentException($"Expected at least one row and one class, got a {logits.Rows}×{logits.Cols} matrix.", nameof(logits));
        }

        if (labels.Length != logits.Rows)
        {
            throw new ArgumentException($"Expected {logits.Rows} labels (one per row), got {labels.Length}.", nameof(labels));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)logits.Cols)
            {
                throw new ArgumentException(
                    $"Label {labels[i]} at row {i} is outside [0, {logits.Cols}).", nameof(labels));
            }
        }
    }
}
