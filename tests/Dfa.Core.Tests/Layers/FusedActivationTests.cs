using System.Numerics.Tensors;
using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Core.Tests.Layers;

public sealed class FusedActivationTests
{
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 70), 127, 128, 129, 255, 256, 257];

    [Test]
    public void OneMinusSquareTimes_EqualsTheSeparatePasses_ForEveryTailLength()
    {
        foreach (int n in Lengths)
        {
            float[] y = TestData.RandomMatrix(1, n, 3).Data.Select(MathF.Tanh).ToArray();
            float[] dy = TestData.RandomMatrix(1, n, 4).Data;
            var expected = new float[n];
            TensorPrimitives.Multiply(y, y, expected);
            TensorPrimitives.Subtract(1f, expected, expected);
            TensorPrimitives.Multiply(expected, dy, expected);
            var actual = new float[n];
            ElementwiseKernels.OneMinusSquareTimes(y, dy, actual);
            Assert.That(actual, Is.EqualTo(expected), $"n = {n}");
        }
    }

    [Test]
    public void StepTimes_EqualsTheSeparatePasses_ForEveryTailLength_WithInfinities()
    {
        foreach (int n in Lengths)
        {
            float[] y = TestData.RandomMatrix(1, n, 5).Data;
            float[] dy = TestData.RandomMatrix(1, n, 6).Data;
            if (n > 3)
            {
                dy[1] = float.PositiveInfinity;
                dy[2] = float.NaN;
                y[3] = 0f;
            }

            var expected = new float[n];
            ElementwiseKernels.Step(y, 1f, 0f, expected);
            TensorPrimitives.Multiply(expected, dy, expected);
            var actual = new float[n];
            ElementwiseKernels.StepTimes(y, dy, actual);
            Assert.That(actual, Is.EqualTo(expected), $"n = {n}");
        }
    }

    [TestCase(ActivationKind.Tanh)]
    [TestCase(ActivationKind.Relu)]
    [TestCase(ActivationKind.Gelu)]
    [TestCase(ActivationKind.Selu)]
    public void ThreadedPasses_AreBitIdenticalToOneThread(ActivationKind kind)
    {
        // 131 × 331 elements: past the parallel threshold, and not a multiple of any vector width.
        Matrix x = TestData.RandomMatrix(131, 331, 8, scale: 3f);
        Matrix dy = TestData.RandomMatrix(131, 331, 9);
        var config = new ModelConfig();
        var one = (Activation)Activations.Create(kind, 331, config);
        var two = (Activation)Activations.Create(kind, 331, config);
        two.Threads = 2;
        Assert.That(two.Forward(x, true).Data, Is.EqualTo(one.Forward(x, true).Data));
        Assert.That(two.Backward(dy, true)!.Data, Is.EqualTo(one.Backward(dy, true)!.Data));
    }
}
