using Dfa.Core;
using Dfa.Runs.Sharding;

namespace Dfa.Runs.Tests.Sharding;

public sealed class ShardSpecTests
{
    [TestCase("1/1", 1, 1)]
    [TestCase("2/4", 2, 4)]
    [TestCase("4/4", 4, 4)]
    [TestCase(" 3/10 ", 3, 10)]
    [TestCase("10000/10000", 10000, 10000)]
    public void Parse_ReadsIOfN(string text, int index, int count)
    {
        ShardSpec shard = ShardSpec.Parse(text);

        Assert.That((shard.Index, shard.Count), Is.EqualTo((index, count)));
        Assert.That(shard.ToString(), Is.EqualTo($"{index}/{count}"));
    }

    [TestCase("")]
    [TestCase("2")]
    [TestCase("0/4")]
    [TestCase("5/4")]
    [TestCase("2/0")]
    [TestCase("-1/4")]
    [TestCase("+1/4")]
    [TestCase("2/")]
    [TestCase("/4")]
    [TestCase("1/2/3")]
    [TestCase("1 /4")]
    [TestCase("1.0/4")]
    [TestCase("2:4")]
    [TestCase("1/10001")]
    [TestCase("1/99999999999")]
    public void Parse_RejectsAnythingButIOfN_WithOneLine(string text)
    {
        Assert.That(
            () => ShardSpec.Parse(text),
            Throws.InstanceOf<DfaInputException>().With.Message.StartsWith("--shard takes i/n").And.Message.Not.Contain("\n"));
    }

    /// <summary>Item k goes to shard (k mod n) + 1: the shards partition the grid, whatever its size against n.</summary>
    [TestCase(0, 4)]
    [TestCase(3, 4)]
    [TestCase(10, 4)]
    [TestCase(31, 3)]
    [TestCase(28, 1)]
    public void Items_PartitionTheGrid_RoundRobin(int total, int n)
    {
        int[][] items = Enumerable.Range(1, n).Select(i => new ShardSpec(i, n).Items(total)).ToArray();

        Assert.That(items.SelectMany(x => x).Order(), Is.EqualTo(Enumerable.Range(0, total)));
        for (int i = 1; i <= n; i++)
        {
            Assert.That(items[i - 1], Is.EqualTo(Enumerable.Range(0, total).Where(k => (k % n) + 1 == i)));
        }
    }

    [Test]
    public void Items_OfShard2Of4_AreEveryFourthFrom1()
    {
        Assert.That(new ShardSpec(2, 4).Items(10), Is.EqualTo(new[] { 1, 5, 9 }));
    }
}
