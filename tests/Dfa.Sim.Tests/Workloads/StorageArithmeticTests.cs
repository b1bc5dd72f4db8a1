using Dfa.Core.Feedback;
using Dfa.Sim.Workloads;

namespace Dfa.Sim.Tests.Workloads;

/// <summary>
/// DFA's feedback memory on VGG-16 and on the MNIST MLP, as arithmetic: naive storage is one <c>e × n</c> matrix per
/// layer (<c>e·Σn</c> entries), unified storage one <c>e × max n</c> matrix.
/// </summary>
public class StorageArithmeticTests
{
    [Test]
    public void Vgg16_1000Classes_Float32_NaiveAndUnified()
    {
        FeedbackShape shape = WorkloadCatalog.Vgg16(1000).FeedbackShape;

        long naive = FeedbackMatrixSize.Bytes(FeedbackMatrixSize.NaiveWeights(shape), bitsPerWeight: 32);
        long unified = FeedbackMatrixSize.Bytes(FeedbackMatrixSize.UnifiedWeights(shape), bitsPerWeight: 32);

        Assert.That(naive, Is.EqualTo(1000L * 13_555_712 * 4));
        Assert.That(naive / 1e9, Is.EqualTo(54.2).Within(0.05));
        Assert.That(unified, Is.EqualTo(1000L * 3_211_264 * 4));
        Assert.That(unified / 1e9, Is.EqualTo(12.85).Within(0.005));
    }

    [Test]
    public void Vgg16_1000Classes_Float32_NaiveWithInputPoint()
    {
        FeedbackShape shape = WorkloadCatalog.Create("vgg16", 1000, feedbackAtInput: true).FeedbackShape;

        long naive = FeedbackMatrixSize.Bytes(FeedbackMatrixSize.NaiveWeights(shape), bitsPerWeight: 32);

        Assert.That(naive, Is.EqualTo(54_824_960_000));
        Assert.That(naive / 1e9, Is.EqualTo(54.8).Within(0.05));
    }

    [Test]
    public void Vgg16_1000Classes_HalfAndOneBit()
    {
        FeedbackShape shape = WorkloadCatalog.Vgg16(1000).FeedbackShape;
        long naive = FeedbackMatrixSize.NaiveWeights(shape);
        long unified = FeedbackMatrixSize.UnifiedWeights(shape);

        // e·Σn and e·max n at 16 bits: 27.1 GB / 6.4 GB; at 1 bit: 1.69 GB / 0.40 GB.
        Assert.That(FeedbackMatrixSize.Bytes(naive, 16) / 1e9, Is.EqualTo(27.1).Within(0.05));
        Assert.That(FeedbackMatrixSize.Bytes(unified, 16) / 1e9, Is.EqualTo(6.4).Within(0.05));
        Assert.That(FeedbackMatrixSize.Bytes(naive, 1) / 1e9, Is.EqualTo(1.69).Within(0.005));
        Assert.That(FeedbackMatrixSize.Bytes(unified, 1) / 1e9, Is.EqualTo(0.40).Within(0.005));
    }

    [Test]
    public void MnistMlp_10Classes()
    {
        FeedbackShape shape = WorkloadCatalog.MnistMlp(10).FeedbackShape;

        Assert.That(FeedbackMatrixSize.Bytes(FeedbackMatrixSize.NaiveWeights(shape), 32), Is.EqualTo(64_000));
        Assert.That(FeedbackMatrixSize.Bytes(FeedbackMatrixSize.UnifiedWeights(shape), 32), Is.EqualTo(32_000));
        Assert.That(FeedbackMatrixSize.Bytes(FeedbackMatrixSize.NaiveWeights(shape), 1), Is.EqualTo(2_000));
    }

    [TestCase(0, 1, 0)]
    [TestCase(1, 1, 1)]
    [TestCase(8, 1, 1)]
    [TestCase(9, 1, 2)]
    [TestCase(3, 10, 4)]
    public void Bytes_RoundsUpToWholeBytes(long weights, int bits, long expected)
    {
        Assert.That(FeedbackMatrixSize.Bytes(weights, bits), Is.EqualTo(expected));
    }
}
