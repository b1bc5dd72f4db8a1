using Dfa.Core.Feedback;
using Dfa.Core.State;
using Dfa.Testing;

namespace Dfa.Core.Tests.Feedback;

public sealed class ActionCountsTests
{
    /// <summary>The 13 actions a checkpoint written before the in-memory and spiking actions were appended holds.</summary>
    private const int ActionsBeforeNeuromorphic = 13;

    [Test]
    public void NewActions_AreAppendedAfterTheOldOnes()
    {
        Assert.That((int)HardwareAction.Int32Add, Is.EqualTo(ActionsBeforeNeuromorphic - 1), "checkpoints store counts in enum order");
        Assert.That((int)HardwareAction.AnalogCellReads, Is.EqualTo(ActionsBeforeNeuromorphic));
    }

    [Test]
    public void CopyFrom_AnOlderShorterList_PadsTheNewerActionsWithZeros()
    {
        var counts = new ActionCounts();
        counts.Add(HardwareAction.SpikesSent, 5);
        long[] old = Enumerable.Range(1, ActionsBeforeNeuromorphic).Select(i => (long)i).ToArray();
        counts.CopyFrom(old);
        Assert.That(counts[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(1));
        Assert.That(counts[HardwareAction.Int32Add], Is.EqualTo(ActionsBeforeNeuromorphic));
        Assert.That(counts[HardwareAction.SpikesSent], Is.Zero, "a count the old list does not hold starts at zero");
        Assert.That(() => counts.CopyFrom(new long[counts.ToArray().Length + 1]), Throws.ArgumentException);
    }

    [Test]
    public void RestoreProjector_LoadsACheckpointWithFewerCounts()
    {
        var state = new ResumeState("old.bin");
        state.SetWords("p/counts", Enumerable.Repeat(7L, ActionsBeforeNeuromorphic).ToArray());
        var projector = new MatrixProjector(TestData.RandomMatrix(3, 4, 1));
        state.RestoreProjector("p/", projector);
        Assert.That(projector.Counts[HardwareAction.Int32Add], Is.EqualTo(7));
        Assert.That(projector.Counts[HardwareAction.SynapticOps], Is.Zero);

        var tooLong = new ResumeState("new.bin");
        tooLong.SetWords("p/counts", new long[projector.Counts.ToArray().Length + 1]);
        Assert.That(() => tooLong.RestoreProjector("p/", projector), Throws.InstanceOf<DfaInputException>().With.Message.Contains("at most"));
    }
}
