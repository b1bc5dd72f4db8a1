using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Core.Tests.Tensors;

internal sealed class GemmSlicedTests
{
    [TearDown]
    public void ResetIsa() => Gemm.ForcedIsa = null;

    [TestCase(GemmIsa.Vector512, 196, 1)]
    [TestCase(GemmIsa.Vector512, 196, 2)]
    [TestCase(GemmIsa.Vector256, 25, 2)]
    [TestCase(GemmIsa.Scalar, 7, 1)]
    [TestCase(GemmIsa.Vector512, Gemm.MaxSliceWidth, 2)]
    public void MultiplySliced_EqualsOneCallPerSlice_BitForBit(GemmIsa isa, int slice, int threads)
    {
        if (isa > Gemm.BestIsa)
        {
            Assert.Ignore($"{isa} is not supported here");
        }

        Gemm.ForcedIsa = isa;
        const int m = 37, n = 70, slices = 5;
        int k = (slices * slice) - 3;
        Matrix a = TestData.RandomMatrix(m, k, 1);
        Matrix bt = TestData.RandomMatrix(n, k, 2);
        Matrix c0 = TestData.RandomMatrix(m, n, 3);
        Matrix expected = c0.Clone();
        for (int s = 0; s * slice < k; s++)
        {
            int kc = Math.Min(slice, k - s * slice);
            Gemm.Multiply(
                Transpose.No, Transpose.Yes, m, n, kc, 0.5f, a.Data.AsSpan(s * slice), k, bt.Data.AsSpan(s * slice), k,
                s == 0 ? 0.25f : 1f, expected.Data, n);
        }

        Matrix actual = c0.Clone();
        Gemm.MultiplySliced(Transpose.No, Transpose.Yes, m, n, k, 0.5f, a.Data, k, bt.Data, k, 0.25f, actual.Data, n, slice, threads);

        Assert.That(actual.Data, Is.EqualTo(expected.Data));
    }

    [Test]
    public void MultiplySliced_RefusesSlicesDeeperThanKc() =>
        Assert.That(
            () => Gemm.MultiplySliced(Transpose.No, Transpose.No, 1, 1, 2000, 1f, new float[2000], 2000, new float[2000], 1, 0f, new float[1], 1, Gemm.MaxSliceWidth + 1),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
}
