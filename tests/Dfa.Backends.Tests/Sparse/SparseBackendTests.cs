using Dfa.Backends.Dense;
using Dfa.Backends.Sparse;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Sparse;

public sealed class SparseBackendTests
{
    private static readonly SparseBackend Backend = new();

    private static FeedbackConfig Options(int k = 1, int? rank = null, FeedbackInit init = FeedbackInit.Gaussian, double? scale = null) =>
        new FeedbackConfig { Backend = "sparse", Init = init, Scale = scale }.With(SparseOptions.Section, new SparseOptions { Connections = k, Rank = rank });

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(new FeedbackShape(10, [33, 7, 257]), Options(), 5);
        yield return new TestCaseData(new FeedbackShape(10, [33, 7, 257]), Options(3), 1);
        yield return new TestCaseData(new FeedbackShape(100, [1031, 64]), Options(4, 20), 129);
        yield return new TestCaseData(new FeedbackShape(1, [1]), Options(), 2);
        yield return new TestCaseData(new FeedbackShape(257, [9]), Options(257), 3);
    }

    [TestCaseSource(nameof(Cases))]
    public void Counts_EqualThePrediction_AfterEveryCall(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        IFeedbackProjector projector = Backend.Create(shape, options, seed: 1, threads: 2);
        FeedbackPrediction predicted = Backend.Predict(shape, options, batch);
        Assert.That(projector.Counts.ContentEquals(predicted.Setup), Is.True, $"setup: {projector.Counts} vs {predicted.Setup}");

        Matrix error = TestData.RandomMatrix(batch, shape.ErrorSize, seed: 2);
        Matrix[] signals = shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();
        var expected = new ActionCounts();
        expected.Add(predicted.Setup);
        for (int call = 0; call < 3; call++)
        {
            projector.Project(error, signals);
            expected.Add(predicted.PerProjection);
            Assert.That(projector.Counts.ContentEquals(expected), Is.True, $"call {call}: {projector.Counts} vs {expected}");
        }
    }

    [Test]
    public void Prediction_IsTheDocumentedFormula()
    {
        var shape = new FeedbackShape(10, [33, 7]);
        FeedbackPrediction p = Backend.Predict(shape, Options(3), batch: 4);
        Assert.That(p.Setup.NonZero(), Is.Empty);
        Assert.That(p.PerProjection[HardwareAction.Fp32Multiply], Is.EqualTo(4 * 40));
        Assert.That(p.PerProjection[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(4 * 40 * 2));
        Assert.That(p.PerProjection[HardwareAction.IndexReads], Is.EqualTo(4 * 40 * 3));
        Assert.That(p.PerProjection[HardwareAction.FeedbackBitsRead], Is.EqualTo(64 * 3 * 40));
        Assert.That(p.PerProjection[HardwareAction.ErrorBytesRead], Is.EqualTo(2 * 4 * 4 * 10));
        Assert.That(p.PerProjection[HardwareAction.SignalBytesWritten], Is.EqualTo(4 * 4 * 40));
        Assert.That(Backend.Predict(shape, Options(1), 4).PerProjection[HardwareAction.Fp32MultiplyAdd], Is.Zero);
    }

    [Test]
    public void Predict_HandlesShapesTooLargeToBuild()
    {
        var shape = new FeedbackShape(1000, [1_000_000, 1_000_000]);
        FeedbackPrediction p = Backend.Predict(shape, Options(1), batch: 128);
        Assert.That(p.Storage.WeightBits, Is.EqualTo(32L * 2_000_000));
        Assert.That(p.Storage.IndexBits, Is.EqualTo(32L * 2_000_000));
        Assert.That(p.Storage.MatrixBytes, Is.EqualTo(16_000_000));
        Assert.That(p.PerProjection[HardwareAction.IndexReads], Is.EqualTo(128L * 2_000_000));
    }

    [TestCaseSource(nameof(Cases))]
    public void Storage_EqualsThePrediction_AndTheAllocatedArrays(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        var projector = (SparseProjector)Backend.Create(shape, options, seed: 1, threads: 1);
        Assert.That(projector.Storage, Is.EqualTo(Backend.Predict(shape, options, batch).Storage));
        long weights = 0;
        long indices = 0;
        for (int l = 0; l < shape.LayerSizes.Count; l++)
        {
            weights += projector.Weights(l).Length;
            indices += projector.Indices(l).Length;
        }

        int k = options.Options<SparseOptions>()!.Connections;
        Assert.That(weights, Is.EqualTo(k * shape.TotalLayerSize));
        Assert.That(projector.Storage.WeightBits, Is.EqualTo(32 * weights));
        Assert.That(projector.Storage.IndexBits, Is.EqualTo(32 * indices));
        Assert.That(projector.Storage.PaddingBits, Is.Zero);
        Assert.That(projector.Storage.CalibrationBytes, Is.Zero);
        Assert.That(projector.Storage.Layout, Does.StartWith($"sparse: k={k} connection"));
    }

    [Test]
    public void Storage_NamesTheSingleConnectionLayout()
    {
        FeedbackStorage s = Backend.Predict(new FeedbackShape(10, [5]), new FeedbackConfig { Backend = "sparse" }, 1).Storage;
        Assert.That(s.Layout, Is.EqualTo("sparse: k=1 connection per neuron, int32 index + float32 weight"));
    }

    public static IEnumerable<TestCaseData> BadOptions()
    {
        yield return new TestCaseData(Options(11), "feedback.sparse.connections (k = 11) exceeds the error size e = 10");
        yield return new TestCaseData(Options(0), "feedback.sparse.connections");
        yield return new TestCaseData(Options(1, 11), "feedback.sparse.rank (r = 11) exceeds the error size e = 10");
        yield return new TestCaseData(Options(1, 0), "feedback.sparse.rank");
        yield return new TestCaseData(Options(4, 3), "feedback.sparse.connections (4) cannot exceed feedback.sparse.rank (3)");
        yield return new TestCaseData(Options(init: FeedbackInit.XavierUniform), "feedback.init xavier_uniform does not apply to the sparse backend");
        yield return new TestCaseData(Options(scale: -1), "feedback.scale");
        yield return new TestCaseData(Options(scale: double.NaN), "feedback.scale");
    }

    [TestCaseSource(nameof(BadOptions))]
    public void CreateAndPredict_RejectTheSameBadOptions(FeedbackConfig options, string message)
    {
        var shape = new FeedbackShape(10, [20]);
        Assert.That(() => Backend.Create(shape, options, 1, 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains(message));
        Assert.That(() => Backend.Predict(shape, options, 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains(message));
    }

    [Test]
    public void DefaultSparseSection_IsSingleConnectionFullRank()
    {
        var projector = (SparseProjector)Backend.Create(new FeedbackShape(10, [20]), new FeedbackConfig { Backend = "sparse" }, 1, 1);
        Assert.That(projector.Connections, Is.EqualTo(1));
        Assert.That(projector.Rank, Is.EqualTo(10));
        Assert.That(projector.Backend, Is.EqualTo("sparse"));
    }

    [TestCase(FeedbackInit.Gaussian, 1)]
    [TestCase(FeedbackInit.Gaussian, 4)]
    [TestCase(FeedbackInit.Uniform, 1)]
    [TestCase(FeedbackInit.Uniform, 4)]
    public void DefaultScale_GivesTheDenseSignalVariance(FeedbackInit init, int k)
    {
        var shape = new FeedbackShape(100, [2000]);
        int batch = 200;
        Matrix error = TestData.RandomMatrix(batch, 100, seed: 8);
        var sparse = new Matrix(batch, 2000);
        var dense = new Matrix(batch, 2000);
        Backend.Create(shape, Options(k, init: init), seed: 4, threads: 2).Project(error, [sparse]);
        new DenseBackend().Create(shape, new FeedbackConfig { Init = init }, seed: 4, threads: 2).Project(error, [dense]);

        double sparseVar = sparse.Data.Average(x => (double)x * x);
        double denseVar = dense.Data.Average(x => (double)x * x);
        double expected = 100.0 / 2000 * (init == FeedbackInit.Uniform ? 1.0 / 3 : 1.0);

        // 2000 neurons' weights dominate the spread of the estimate (≈ 3 % relative for k = 1): 15 % is loose and fixed-seed.
        Assert.That(sparseVar, Is.EqualTo(expected).Within(0.15 * expected));
        Assert.That(sparseVar, Is.EqualTo(denseVar).Within(0.15 * denseVar));
    }

    [Test]
    public void Scale_OverridesTheDefault()
    {
        var shape = new FeedbackShape(10, [50]);
        var projector = (SparseProjector)Backend.Create(shape, Options(1, init: FeedbackInit.Uniform, scale: 0.25), 1, 1);
        float[] w = projector.Weights(0).ToArray();
        Assert.That(w.All(x => Math.Abs(x) <= 0.25f), Is.True);
        Assert.That(w.Max(x => Math.Abs(x)), Is.GreaterThan(0.2f));
    }
}
