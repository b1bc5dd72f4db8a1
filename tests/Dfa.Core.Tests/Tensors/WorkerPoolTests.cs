using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Tensors;

public sealed class WorkerPoolTests
{
    [TestCase(0, 2)]
    [TestCase(1, 2)]
    [TestCase(7, 1)]
    [TestCase(1000, 2)]
    [TestCase(1000, 8)]
    public void Run_CallsEveryIndexExactlyOnce(int count, int threads)
    {
        var calls = new int[count];
        for (int round = 0; round < 50; round++)
        {
            WorkerPool.Run(count, threads, i => Interlocked.Increment(ref calls[i]));
        }

        Assert.That(calls, Is.All.EqualTo(50));
    }

    [Test]
    public void Run_RethrowsTheBodysException_AndStaysUsable()
    {
        Assert.That(() => WorkerPool.Run(100, 2, i =>
        {
            if (i == 37)
            {
                throw new InvalidOperationException("index 37");
            }
        }), Throws.InvalidOperationException.With.Message.EqualTo("index 37"));

        int sum = 0;
        WorkerPool.Run(100, 2, i => Interlocked.Add(ref sum, i));
        Assert.That(sum, Is.EqualTo(4950));
    }

    [Test]
    public void Run_NestedAndConcurrentCalls_RunInline()
    {
        long total = 0;
        Parallel.For(0, 4, _ =>
            WorkerPool.Run(16, 2, i => WorkerPool.Run(16, 2, j => Interlocked.Add(ref total, (i * 16) + j))));

        Assert.That(total, Is.EqualTo(4 * (255 * 256 / 2)));
    }

    [Test]
    public void Run_RejectsBadArguments()
    {
        Assert.That(() => WorkerPool.Run(1, 0, _ => { }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => WorkerPool.Run(1, 1, null!), Throws.ArgumentNullException);
    }
}
