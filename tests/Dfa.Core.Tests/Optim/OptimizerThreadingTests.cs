using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Core.Tests.Optim;

public sealed class OptimizerThreadingTests
{
    [Test]
    public void Adam_IsBitIdenticalForAnyThreadCount() =>
        AssertThreadIndependent((ps, threads) => new Adam(ps, 1e-3, weightDecay: 1e-2, threads: threads));

    [Test]
    public void Sgd_IsBitIdenticalForAnyThreadCount() =>
        AssertThreadIndependent((ps, threads) => new Sgd(ps, 1e-2, momentum: 0.9, nesterov: true, weightDecay: 1e-2, threads: threads));

    private static void AssertThreadIndependent(Func<IReadOnlyList<Parameter>, int, IOptimizer> create)
    {
        // Sizes straddle the chunk size so chunk boundaries fall inside and at the ends of parameters.
        int[] sizes = [1, ParameterChunks.ChunkSize - 1, (2 * ParameterChunks.ChunkSize) + 5, 33];
        Parameter[] Build() => sizes.Select((n, i) => new Parameter($"p{i}", TestData.RandomMatrix(1, n, (ulong)i), isWeight: true)).ToArray();
        Parameter[] one = Build();
        Parameter[] three = Build();
        IOptimizer a = create(one, 1);
        IOptimizer b = create(three, 3);
        for (int step = 0; step < 4; step++)
        {
            for (int i = 0; i < sizes.Length; i++)
            {
                Matrix g = TestData.RandomMatrix(1, sizes[i], (ulong)(100 + (10 * step) + i));
                g.CopyTo(one[i].Gradient);
                g.CopyTo(three[i].Gradient);
            }

            a.Step();
            b.Step();
        }

        for (int i = 0; i < sizes.Length; i++)
        {
            Assert.That(three[i].Value.Data, Is.EqualTo(one[i].Value.Data), $"parameter {i}");
        }
    }
}
