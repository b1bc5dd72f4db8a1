using System.Buffers.Binary;
using Dfa.Core;
using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Serialization;
using Dfa.Core.State;
using Dfa.Core.Tensors;
using Dfa.Core.Training;
using Dfa.Runs.Checkpoints;
using static Dfa.Testing.ModelTestNetworks;

namespace Dfa.Runs.Tests.Checkpoints;

/// <summary>
/// Checkpoint records inside the weights format: exact round trips of words, floats and text, their documented kinds and
/// layout, a model loader that still reads a checkpoint as weights, and the state export of the optimizers and
/// generators a resumed run depends on (each checked by taking the same next steps as the original).
/// </summary>
public sealed class CheckpointFileTests
{
    [Test]
    public void StateRecords_RoundTripBitExactly_AfterTheNetworkTensors()
    {
        Network network = BuildMlp(seed: 1, batchNorm: true, hidden: "[3]");
        Scramble(network, 4);
        var state = new ResumeState();
        state.SetWords("progress/position", [3, -1, long.MaxValue]);
        state.SetDouble("progress/loss_sum", Math.PI);
        state.SetFloats("optimizer/exp_avg/0", [1.5f, float.Epsilon, -0f]);
        state.SetText("config/pairs", "lr=0.001\nmodel.hidden=[3]\n");

        byte[] bytes = WeightsFile.ToBytes(network, state);
        ModelFile file = WeightsFile.Read(bytes, "ck.bin");
        ResumeState back = CheckpointFile.StateOf(file);

        int networkTensors = NetworkTensor.Of(network).Count;
        Assert.Multiple(() =>
        {
            Assert.That(file.Tensors.Take(networkTensors).Select(t => t.Kind), Is.All.AnyOf(TensorKind.Parameter, TensorKind.Buffer));
            Assert.That(file.Tensors.Skip(networkTensors).Select(t => (t.Block, t.Name, t.Kind, t.DType)), Is.EqualTo(new[]
            {
                ("state", "optimizer/exp_avg/0", TensorKind.OptimizerState, TensorDType.Float32),
                ("state", "progress/loss_sum", TensorKind.TrainingState, TensorDType.Int64),
                ("state", "progress/position", TensorKind.TrainingState, TensorDType.Int64),
                ("state", "config/pairs", TensorKind.TrainingText, TensorDType.Int64),
            }));
            Assert.That(back.Words("progress/position"), Is.EqualTo(new[] { 3L, -1, long.MaxValue }));
            Assert.That(BitConverter.DoubleToInt64Bits(back.Double("progress/loss_sum")), Is.EqualTo(BitConverter.DoubleToInt64Bits(Math.PI)));
            Assert.That(back.Floats("optimizer/exp_avg/0", 3).Select(BitConverter.SingleToInt32Bits), Is.EqualTo(new[] { 1.5f, float.Epsilon, -0f }.Select(BitConverter.SingleToInt32Bits)));
            Assert.That(back.Text("config/pairs"), Is.EqualTo("lr=0.001\nmodel.hidden=[3]\n"));
        });

        // The text record on disk: int64 1 × (1 + ⌈26/8⌉), the byte length, then the UTF-8 bytes zero-padded to 32.
        ModelTensor text = file.Tensors.Single(t => t.Name == "config/pairs");
        Assert.That((text.Rows, text.Cols), Is.EqualTo((1, 5)));
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(text.Data.Span), Is.EqualTo(26));
        Assert.That(text.Data[8..].ToArray(), Is.EqualTo("lr=0.001\nmodel.hidden=[3]\n\0\0\0\0\0\0"u8.ToArray()));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)), Is.EqualTo(Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4))));

        Network restored = BuildMlp(seed: 2, batchNorm: true, hidden: "[3]");
        CheckpointFile.RestoreNetwork(file, restored);
        Assert.That(WeightsFile.ToBytes(restored), Is.EqualTo(WeightsFile.ToBytes(network)));
    }

    [Test]
    public void StateOf_APlainModelFile_IsAnInputError()
    {
        ModelFile file = WeightsFile.Read(WeightsFile.ToBytes(BuildMlp(seed: 1, batchNorm: false, hidden: "[3]")), "w.bin");

        var ex = Assert.Throws<DfaInputException>(() => CheckpointFile.StateOf(file));
        Assert.That(ex!.Message, Does.Contain("w.bin: a model file without training state"));
    }

    [Test]
    public void Progress_RoundTripsExactly()
    {
        var progress = new TrainerProgress(
            2, 5, 37, 12.25, 9, 0.5, [2, 0, 1], new Rng(3).GetState(),
            [new EpochMetrics(1, 1e-3, 1.1, 0.4, null, null, 1.2, 0.3, 0.25, 400), new EpochMetrics(2, 5e-4, 0.9, 0.5, null, null, 1.0, 0.45, 0.2, 500)],
            0.45, 6);
        var state = new ResumeState();
        CheckpointFile.SaveProgress(state, progress);

        TrainerProgress back = CheckpointFile.LoadProgress(state);

        Assert.That(back with { Order = progress.Order, ShuffleState = progress.ShuffleState, Epochs = progress.Epochs }, Is.EqualTo(progress));
        Assert.That(back.Order, Is.EqualTo(progress.Order));
        Assert.That(back.ShuffleState, Is.EqualTo(progress.ShuffleState));
        Assert.That(back.Epochs, Is.EqualTo(progress.Epochs));
    }

    [Test]
    public void Rng_SetState_ContinuesTheStream()
    {
        var a = new Rng(42);
        _ = a.NextUInt64();
        var b = new Rng(1);
        b.SetState(a.GetState());

        Assert.That(Enumerable.Range(0, 8).Select(_ => b.NextUInt64()), Is.EqualTo(Enumerable.Range(0, 8).Select(_ => a.NextUInt64())));
        Assert.Throws<ArgumentException>(() => b.SetState([0, 0, 0, 0]));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void HdfaOptimizer_RestoredState_TakesTheSameNextSteps(bool adam)
    {
        // Two identical parameter sets; the second optimizer is restored from the first's state after 3 steps, then both take 3 more.
        (Parameter[] p1, HdfaOptimizer o1) = Hdfa(adam);
        (Parameter[] p2, HdfaOptimizer o2) = Hdfa(adam);
        int step = 0;
        for (; step < 3; step++)
        {
            Fill(p1, step);
            o1.Step(Kind(step));
        }

        var state = new ResumeState();
        o1.SaveState(state, "optimizer/");
        for (int i = 0; i < p1.Length; i++)
        {
            p1[i].Value.Span.CopyTo(p2[i].Value.Span);
        }

        o2.RestoreState(state, "optimizer/");
        Assert.That((o2.BackpropSteps, o2.DfaSteps), Is.EqualTo((o1.BackpropSteps, o1.DfaSteps)));
        for (; step < 6; step++)
        {
            Fill(p1, step);
            Fill(p2, step);
            o1.Step(Kind(step));
            o2.Step(Kind(step));
        }

        for (int i = 0; i < p1.Length; i++)
        {
            Assert.That(p2[i].Value.Data, Is.EqualTo(p1[i].Value.Data), $"parameter {i}");
        }
    }

    [Test]
    public void WarmupOptimizer_SavesBothInnerOptimizersAndTheHeldCount()
    {
        var a = new Parameter("a", new Matrix(1, 3), isWeight: true);
        var b = new Parameter("b", new Matrix(1, 2), isWeight: true);
        var warm = new WarmupOptimizer(new Adam([a], 0.1), new Adam([b], 0.1));
        for (int i = 0; i < 4; i++)
        {
            a.Gradient.Span.Fill(i + 1);
            b.Gradient.Span.Fill(i + 2);
            warm.Step(i < 2 ? StepKind.Warmup : StepKind.Standard);
        }

        var state = new ResumeState();
        warm.SaveState(state, "optimizer/");

        Assert.That(state.Long("optimizer/held_steps"), Is.EqualTo(2));
        Assert.That(state.Long("optimizer/always/step"), Is.EqualTo(4));
        Assert.That(state.Long("optimizer/held/step"), Is.EqualTo(2));
        Assert.That(state.Floats("optimizer/held/exp_avg/0", 2), Has.Length.EqualTo(2));
    }

    /// <summary>Steps 1, 4, 7, … are BP steps, the others DFA steps.</summary>
    private static StepKind Kind(int step) => step % 3 == 1 ? StepKind.Backprop : StepKind.Dfa;

    private static (Parameter[] Parameters, HdfaOptimizer Optimizer) Hdfa(bool adam)
    {
        Parameter[] ps = [new("w", new Matrix(2, 3), isWeight: true), new("b", new Matrix(1, 3), isWeight: false)];
        HdfaOptimizer o = adam
            ? HdfaOptimizer.Adam(ps, 0.01, 0.9, 0.999, 1e-8, 0.6, 0.01)
            : HdfaOptimizer.Sgd(ps, 0.01, 0.9, 0.1, 0.6, 0.01);
        return (ps, o);
    }

    private static void Fill(Parameter[] ps, int step)
    {
        for (int i = 0; i < ps.Length; i++)
        {
            Span<float> g = ps[i].Gradient.Span;
            for (int k = 0; k < g.Length; k++)
            {
                g[k] = MathF.Sin((step * 7) + (i * 3) + k);
            }
        }
    }
}
