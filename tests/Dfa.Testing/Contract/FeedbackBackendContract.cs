using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;
using Dfa.Testing;
using NUnit.Framework;

namespace Dfa.Testing.Contract;

/// <summary>
/// The contract every feedback backend is held to, built-in or a plug-in: a test project derives a fixture from this
/// class with <c>[TestFixtureSource]</c> over its <see cref="BackendCase"/>s. It holds a backend to agreement with a
/// plain double reference (<c>EncodeError(E) · FeedbackMatrix(l)</c>) over batch sizes 1..129, error sizes 1..257 and
/// layer sizes across SIMD boundaries; determinism by seed and thread count; counted work equal to the prediction;
/// storage equal to the prediction; bad arguments rejected; and the backend's counting reference
/// (<see cref="IFeedbackBackend.CreateCountingReference"/>, scalar loops counting each action where they perform it)
/// counting exactly the predicted work on random shapes and batches while computing the projector's signals.
/// </summary>
public abstract class FeedbackBackendContract(BackendCase c)
{
    // Sizes just below, at and above the 8- and 16-float vector widths and the 64-bit word of packed layouts.
    private static readonly int[] Boundaries = [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    private static readonly int[] Batches = [1, 2, 3, 5, 6, 7, 8, 9, 13, 16, 17, 31, 33, 64, 65, 100, 128, 129];

    private IFeedbackProjector Create(FeedbackShape shape, ulong seed = 1, int threads = 2) =>
        c.Backend.Create(shape, c.Options, seed, threads);

    private static Matrix Error(int batch, int e, ulong seed) => TestData.RandomMatrix(batch, e, seed, 0.1f);

    private static Matrix[] Signals(FeedbackShape shape, int batch, float fill = float.NaN)
    {
        var signals = shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();
        foreach (Matrix s in signals)
        {
            s.Span.Fill(fill);
        }

        return signals;
    }

    /// <summary>Error sizes 1..257 across the boundaries, each with three layers and one batch size from the sweep.</summary>
    private IEnumerable<(FeedbackShape Shape, int Batch)> Sweep() => AllShapes().Where(s => s.Shape.ErrorSize >= c.MinErrorSize);

    private static IEnumerable<(FeedbackShape Shape, int Batch)> AllShapes()
    {
        for (int t = 0; t < Boundaries.Length; t++)
        {
            int e = Boundaries[t];
            int[] layers = [Boundaries[(t + 3) % Boundaries.Length], Boundaries[(t + 7) % Boundaries.Length], Boundaries[(t + 11) % Boundaries.Length]];
            yield return (new FeedbackShape(e, layers), Batches[t % Batches.Length]);
        }

        yield return (new FeedbackShape(10, [800, 800]), 129);
        yield return (new FeedbackShape(257, [1]), 128);
        yield return (new FeedbackShape(2, [300, 5, 257]), 65);
    }

    [Test]
    public void Project_EqualsTheEncodedErrorTimesTheRealisedMatrices()
    {
        int index = 0;
        foreach ((FeedbackShape shape, int batch) in Sweep())
        {
            IFeedbackProjector projector = Create(shape, seed: (ulong)index + 3);
            Matrix error = Error(batch, shape.ErrorSize, seed: (ulong)index + 100);
            Matrix[] signals = Signals(shape, batch);
            projector.Project(error, signals);

            var encoded = new Matrix(batch, shape.ErrorSize);
            projector.EncodeError(error, encoded);
            for (int l = 0; l < signals.Length; l++)
            {
                Matrix b = projector.FeedbackMatrix(l);
                Assert.That((b.Rows, b.Cols), Is.EqualTo((shape.ErrorSize, shape.LayerSizes[l])), $"{shape} layer {l}");
                if (c.Exact)
                {
                    AssertMatchesReference(encoded, b, signals[l], $"{shape} batch {batch} layer {l}");
                }
                else
                {
                    AssertCorrelatesWithReference(encoded, b, signals[l], $"{shape} batch {batch} layer {l}");
                }
            }

            index++;
        }
    }

    private void AssertMatchesReference(Matrix encoded, Matrix b, Matrix actual, string where, double slack = 1)
    {
        int e = encoded.Cols;
        for (int r = 0; r < actual.Rows; r++)
        {
            for (int j = 0; j < actual.Cols; j++)
            {
                double exact = 0, magnitude = 0;
                for (int i = 0; i < e; i++)
                {
                    double term = (double)encoded[r, i] * b[i, j];
                    exact += term;
                    magnitude += Math.Abs(term);
                }

                // Float summation of e terms plus a final rescale: (e + 2) unit roundoffs of Σ|terms|.
                double bound = (slack * c.Tolerance * (e + 2) * Math.Pow(2, -23) * magnitude) + 1e-30;
                float got = actual[r, j];
                if (!(Math.Abs(got - exact) <= bound))
                {
                    Assert.Fail($"{c}: {where}: S[{r},{j}] = {got}, reference {exact}, bound {bound}");
                }
            }
        }
    }

    private void AssertCorrelatesWithReference(Matrix encoded, Matrix b, Matrix actual, string where)
    {
        var reference = new Matrix(actual.Rows, actual.Cols);
        Gemm.Multiply(encoded, Transpose.No, b, Transpose.No, reference);
        if (actual.Length < 64)
        {
            return; // too few values for a meaningful correlation
        }

        double corr = Correlation(actual.Data, reference.Data);
        Assert.That(corr, Is.GreaterThan(0.8), $"{c}: {where}: correlation with the noise-free projection");
    }

    private static double Correlation(float[] x, float[] y)
    {
        double mx = x.Average(v => (double)v), my = y.Average(v => (double)v);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx == 0 && syy == 0 ? 1 : sxy / Math.Sqrt(sxx * syy);
    }

    [Test]
    public void ErrorSizesTheOptionsCannotServe_AreUserErrors()
    {
        foreach ((FeedbackShape shape, _) in AllShapes().Where(s => s.Shape.ErrorSize < c.MinErrorSize))
        {
            Assert.That(() => Create(shape), Throws.InstanceOf<Dfa.Core.DfaInputException>(), $"{c}: {shape}");
            Assert.That(() => c.Backend.Predict(shape, c.Options, 1), Throws.InstanceOf<Dfa.Core.DfaInputException>(), $"{c}: {shape}");
            Assert.That(() => c.Backend.CreateCountingReference(shape, c.Options, 1), Throws.InstanceOf<Dfa.Core.DfaInputException>(), $"{c}: {shape}");
        }
    }

    [Test]
    public void Project_IsDeterministicBySeed_AndSeedsNameDifferentMatrices()
    {
        var shape = new FeedbackShape(33, [65, 17]);
        Matrix error = Error(9, 33, seed: 5);
        Matrix[] first = Signals(shape, 9);
        Matrix[] again = Signals(shape, 9);
        Matrix[] other = Signals(shape, 9);
        Create(shape, seed: 42).Project(error, first);
        Create(shape, seed: 42).Project(error, again);
        Create(shape, seed: 43).Project(error, other);
        for (int l = 0; l < first.Length; l++)
        {
            Assert.That(again[l].Data, Is.EqualTo(first[l].Data).AsCollection, $"{c}: same seed, layer {l}");
            Assert.That(other[l].Data, Is.Not.EqualTo(first[l].Data).AsCollection, $"{c}: another seed, layer {l}");
            Assert.That(Create(shape, seed: 42).FeedbackMatrix(l).Data, Is.EqualTo(Create(shape, seed: 42).FeedbackMatrix(l).Data).AsCollection);
        }
    }

    [Test]
    public void Project_GivesTheSameBits_ForAnyThreadCount()
    {
        foreach ((FeedbackShape shape, int batch) in new[] { (new FeedbackShape(257, [1100, 513]), 64), (new FeedbackShape(1000, [4096]), 1), (new FeedbackShape(10, [800, 800]), 128) })
        {
            Matrix error = Error(batch, shape.ErrorSize, seed: 8);
            Matrix[] single = Signals(shape, batch);
            Create(shape, seed: 4, threads: 1).Project(error, single);
            foreach (int threads in new[] { 2, 3 })
            {
                Matrix[] multi = Signals(shape, batch);
                Create(shape, seed: 4, threads: threads).Project(error, multi);
                for (int l = 0; l < single.Length; l++)
                {
                    Assert.That(multi[l].Data, Is.EqualTo(single[l].Data).AsCollection, $"{c}: {shape} threads {threads} layer {l}");
                }
            }
        }
    }

    [Test]
    public void Counts_EqualThePrediction_AfterSetupAndEveryCall()
    {
        foreach ((FeedbackShape shape, _) in Sweep())
        {
            IFeedbackProjector projector = Create(shape);
            FeedbackPrediction one = c.Backend.Predict(shape, c.Options, batch: 1);
            FeedbackPrediction many = c.Backend.Predict(shape, c.Options, batch: 17);
            Assert.That(projector.Counts.ContentEquals(one.Setup), $"{c}: {shape}: setup counted {projector.Counts}, predicted {one.Setup}");
            Assert.That(many.Setup.ContentEquals(one.Setup), $"{c}: setup work must not depend on the batch size");

            projector.Project(Error(1, shape.ErrorSize, 1), Signals(shape, 1));
            projector.Project(Error(17, shape.ErrorSize, 2), Signals(shape, 17));
            projector.Project(Error(17, shape.ErrorSize, 3), Signals(shape, 17));
            var expected = new ActionCounts();
            expected.Add(one.Setup);
            expected.Add(one.PerProjection);
            expected.Add(many.PerProjection);
            expected.Add(many.PerProjection);
            Assert.That(projector.Counts.ContentEquals(expected), $"{c}: {shape}: counted {projector.Counts}, predicted {expected}");
            Assert.That(one.PerProjection.NonZero().Any(), $"{c}: a projection does some work");
        }
    }

    /// <summary>
    /// Random shapes (error sizes 1..160, one to three layers of 1..300 units) and batches (two to three calls of
    /// 1..40 samples), drawn from a stream named by the case, so every case sees its own and the same ones every run.
    /// </summary>
    private IEnumerable<(FeedbackShape Shape, int[] Batches)> RandomShapes()
    {
        var rng = new Rng(StableHash(c.Name));
        for (int t = 0; t < 6; t++)
        {
            int e = Math.Max(c.MinErrorSize, 1 + rng.NextInt(t < 3 ? 24 : 160));
            int[] layers = [.. Enumerable.Range(0, 1 + rng.NextInt(3)).Select(_ => 1 + rng.NextInt(t < 3 ? 40 : 300))];
            int[] batches = [.. Enumerable.Range(0, 2 + rng.NextInt(2)).Select(_ => 1 + rng.NextInt(40))];
            yield return (new FeedbackShape(e, layers), batches);
        }
    }

    private static ulong StableHash(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char ch in text)
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        return h;
    }

    [Test]
    public void CountingReference_CountsExactlyThePredictedWork_OnRandomShapesAndBatches()
    {
        int calls = 0;
        foreach ((FeedbackShape shape, int[] batches) in RandomShapes())
        {
            ICountingReference reference = c.Backend.CreateCountingReference(shape, c.Options, seed: 5);
            Assert.That(reference.Shape, Is.EqualTo(shape));
            var expected = new ActionCounts();
            expected.Add(c.Backend.Predict(shape, c.Options, batch: 1).Setup);
            Assert.That(reference.Counts.ContentEquals(expected), $"{c}: {shape}: setup counted {reference.Counts}, predicted {expected}");
            foreach (int batch in batches)
            {
                reference.Project(Error(batch, shape.ErrorSize, (ulong)(calls + 40)), Signals(shape, batch));
                expected.Add(c.Backend.Predict(shape, c.Options, batch).PerProjection);
                Assert.That(reference.Counts.ContentEquals(expected), $"{c}: {shape}, call {calls} of batch {batch}: counted {reference.Counts}, predicted {expected}");
                calls++;
            }
        }

        TestContext.Out.WriteLine($"{c}: {calls} calls on 6 random shapes: counted = predicted, every action");
    }

    [Test]
    public void CountingReference_ComputesTheProjectorsSignals()
    {
        int call = 0;
        foreach ((FeedbackShape shape, int[] batches) in RandomShapes())
        {
            IFeedbackProjector projector = Create(shape, seed: 6);
            ICountingReference reference = c.Backend.CreateCountingReference(shape, c.Options, seed: 6);
            foreach (int batch in batches)
            {
                Matrix error = Error(batch, shape.ErrorSize, (ulong)(call + 70));
                Matrix[] fast = Signals(shape, batch);
                Matrix[] counted = Signals(shape, batch);
                projector.Project(error, fast);
                reference.Project(error, counted);
                var encoded = new Matrix(batch, shape.ErrorSize);
                projector.EncodeError(error, encoded);
                for (int l = 0; l < fast.Length; l++)
                {
                    string where = $"{c}: {shape} call {call} (batch {batch}) layer {l}";
                    if (c.Exact)
                    {
                        // Both approximate the exact product; the reference's own rounding gets four times the projector's allowance.
                        AssertMatchesReference(encoded, projector.FeedbackMatrix(l), counted[l], where + ": counting reference", 4);
                    }
                    else
                    {
                        AssertSameNoisySignals(fast[l], counted[l], where);
                    }
                }

                call++;
            }
        }
    }

    /// <summary>
    /// With noise the reference draws the projector's noise from the same streams, so the two agree up to float
    /// summation order (which may move a quantised value by one step now and then): within 2 % in norm, correlated
    /// at 0.999 or more.
    /// </summary>
    private void AssertSameNoisySignals(Matrix fast, Matrix counted, string where)
    {
        double diff = 0, norm = 0;
        for (int k = 0; k < fast.Length; k++)
        {
            diff += Math.Pow(counted.Data[k] - fast.Data[k], 2);
            norm += Math.Pow(fast.Data[k], 2);
        }

        Assert.That(Math.Sqrt(diff), Is.LessThanOrEqualTo((0.02 * Math.Sqrt(norm)) + 1e-30), $"{where}: counting reference vs projector, ‖Δ‖ vs ‖S‖ = {Math.Sqrt(norm)}");
        if (fast.Length >= 64 && norm > 0)
        {
            Assert.That(Correlation(counted.Data, fast.Data), Is.GreaterThanOrEqualTo(0.999), $"{where}: counting reference vs projector");
        }
    }

    [Test]
    public void Storage_EqualsThePrediction()
    {
        foreach ((FeedbackShape shape, _) in Sweep())
        {
            FeedbackStorage predicted = c.Backend.Predict(shape, c.Options, batch: 3).Storage;
            Assert.That(Create(shape).Storage, Is.EqualTo(predicted), $"{c}: {shape}");
            Assert.That(predicted.MatrixBytes, Is.GreaterThanOrEqualTo(0));
        }
    }

    [Test]
    public void Predict_PricesShapesNobodyAllocates()
    {
        // e = 1000 onto two layers of a million neurons: 8 GB as dense float32. Prediction must not build anything.
        var shape = new FeedbackShape(1000, [1_000_000, 1_000_000]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        FeedbackPrediction p = c.Backend.Predict(shape, c.Options, batch: 128);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThan(1 << 20), $"{c}: Predict allocated {allocated} bytes");
        Assert.That(p.PerProjection.NonZero().Any(), Is.True);
        Assert.That(p.Storage.MatrixBytes, Is.LessThanOrEqualTo(2L * 1000 * 2_000_000 * 4 * 2), $"{c}: at most float32 weights plus int32 indices");
    }

    [TestCase(21841, 4096, 2, 100_000)]
    [TestCase(1_000_000, 4096, 1, 1024)]
    [TestCase(1000, 1 << 26, 2, 1 << 20)]
    public void Predict_CountsHugeShapesIn64Bits(int e, int width, int layers, int batch)
    {
        var shape = new FeedbackShape(e, Enumerable.Repeat(width, layers).ToArray());
        FeedbackPrediction p = c.Backend.Predict(shape, c.Options, batch);
        Assert.That(p.PerProjection.NonZero().All(kv => kv.Value > 0), $"{c}: {p.PerProjection}");
        Assert.That(p.PerProjection[HardwareAction.SignalBytesWritten], Is.EqualTo(4L * batch * width * layers), c.Name);
    }

    [Test]
    public void Project_OverwritesSignals_AndLeavesTheErrorAlone()
    {
        var shape = new FeedbackShape(17, [9, 33]);
        Matrix error = Error(5, 17, seed: 3);
        Matrix copy = error.Clone();
        Matrix[] fromNaN = Signals(shape, 5, float.NaN);
        Matrix[] fromOnes = Signals(shape, 5, 1f);
        Create(shape).Project(error, fromNaN);
        Create(shape).Project(error, fromOnes);
        Assert.That(error.Data, Is.EqualTo(copy.Data).AsCollection, $"{c}: the error is read only");
        for (int l = 0; l < fromNaN.Length; l++)
        {
            Assert.That(fromNaN[l].Data, Is.EqualTo(fromOnes[l].Data).AsCollection, $"{c}: layer {l} depends on what the signal held");
            Assert.That(fromNaN[l].Data.All(float.IsFinite), $"{c}: layer {l}");
        }
    }

    [Test]
    public void ZeroError_GivesZeroSignals()
    {
        var shape = new FeedbackShape(12, [40, 7]);
        Matrix[] signals = Signals(shape, 4);
        Create(shape).Project(new Matrix(4, 12), signals);
        foreach (Matrix s in signals)
        {
            Assert.That(s.Data, Is.All.EqualTo(0f), c.Name);
        }
    }

    [Test]
    public void FeedbackMatrixAndEncodeError_CountNothing_AndReturnCopies()
    {
        var shape = new FeedbackShape(12, [40, 7]);
        IFeedbackProjector projector = Create(shape);
        string before = projector.Counts.ToString();
        Matrix b = projector.FeedbackMatrix(0);
        b.Span.Fill(123f);
        Assert.That(projector.FeedbackMatrix(0).Data, Has.None.EqualTo(123f), $"{c}: FeedbackMatrix returns a copy");
        var encoded = new Matrix(3, 12);
        projector.EncodeError(Error(3, 12, 1), encoded);
        Assert.That(projector.Counts.ToString(), Is.EqualTo(before), c.Name);
        Assert.That(projector.Backend, Is.EqualTo(c.Options.Backend));
        Assert.That(projector.Shape, Is.EqualTo(shape));
    }

    [Test]
    public void BadArguments_AreRejectedWithClearErrors()
    {
        var shape = new FeedbackShape(10, [20, 30]);
        IFeedbackProjector projector = Create(shape);
        Assert.Multiple(() =>
        {
            Assert.That(() => projector.Project(Error(4, 9, 1), Signals(shape, 4)),
                Throws.ArgumentException.With.Message.Contains("10 columns"), c.Name);
            Assert.That(() => projector.Project(Error(4, 10, 1), [new Matrix(4, 20)]),
                Throws.ArgumentException.With.Message.Contains("Expected 2 signal matrices"), c.Name);
            Assert.That(() => projector.Project(Error(4, 10, 1), [new Matrix(4, 20), new Matrix(3, 30)]),
                Throws.ArgumentException.With.Message.Contains("Signal 1 must be 4×30"), c.Name);
            Assert.That(() => projector.Project(null!, Signals(shape, 4)), Throws.ArgumentNullException, c.Name);
            Assert.That(() => projector.Project(Error(4, 10, 1), null!), Throws.ArgumentNullException, c.Name);
            Assert.That(() => c.Backend.Predict(shape, c.Options, batch: 0), Throws.InstanceOf<ArgumentOutOfRangeException>(), c.Name);
            Assert.That(() => c.Backend.Create(shape, c.Options, seed: 1, threads: 0), Throws.InstanceOf<ArgumentOutOfRangeException>(), c.Name);
            Assert.That(() => c.Backend.Create(null!, c.Options, seed: 1, threads: 1), Throws.ArgumentNullException, c.Name);
            Assert.That(() => c.Backend.Predict(shape, null!, batch: 1), Throws.ArgumentNullException, c.Name);
        });
    }
}
