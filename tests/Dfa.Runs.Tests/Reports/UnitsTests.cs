using Dfa.Runs.Plots;
using Dfa.Runs.Reports;

namespace Dfa.Runs.Tests.Reports;

/// <summary>The one number format for people, plurals, the log-axis ticks and the writer that ends no line in spaces.</summary>
[TestFixture]
public sealed class UnitsTests
{
    [TestCase(0.86671, "0.8667")]
    [TestCase(147.26, "147.3")]
    [TestCase(0.001, "0.001")]
    [TestCase(12_004.4, "12,004")]
    [TestCase(2_120_000.0, "2.12e6")]
    [TestCase(1_000_000.0, "1e6")]
    [TestCase(-25_000_000.0, "-2.5e7")]
    [TestCase(7.0794e-5, "7.079e-5")]
    [TestCase(0.0, "0")]
    [TestCase(double.NaN, "n/a")]
    public void Number_IsFourSignificantDigits_WithoutDotNetExponents(double value, string expected) =>
        Assert.That(Units.Number(value), Is.EqualTo(expected));

    [TestCase(1, "epoch", null, "1 epoch")]
    [TestCase(2, "epoch", null, "2 epochs")]
    [TestCase(10_000, "training sample", null, "10,000 training samples")]
    [TestCase(3, "child", "children", "3 children")]
    public void Count_IsSingularForOne(long n, string noun, string? plural, string expected) =>
        Assert.That(Units.Count(n, noun, plural), Is.EqualTo(expected));

    [Test]
    public void SecondsAndJoules_PickTheirScale()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Units.Seconds(0.003414), Is.EqualTo("3.414 ms"));
            Assert.That(Units.Seconds(2.5), Is.EqualTo("2.5 s"));
            Assert.That(Units.Seconds(4.2e-8), Is.EqualTo("42 ns"));
            Assert.That(Units.Joules(0.03525), Is.EqualTo("35.25 mJ"));
        });
    }

    /// <summary>A loss from 2.2 down to 0.45 spans less than a decade: 0.5, 1 and 2 are labelled, not a lone 1.</summary>
    [Test]
    public void LogTicks_WithinADecade_LabelSeveralValues()
    {
        IReadOnlyList<AxisTick> ticks = AxisTicks.Log(Math.Log10(0.45), Math.Log10(2.2));

        Assert.That(ticks.Where(t => t.Label is not null).Select(t => t.Label), Is.EqualTo(new[] { "0.5", "1", "2" }));
        Assert.That(ticks.Where(t => t.Label is null).Select(t => Math.Round(Math.Pow(10, t.Position), 6)), Is.EqualTo(new[] { 0.6, 0.7, 0.8, 0.9 }));
    }

    [Test]
    public void LogTicks_OverNineDecades_LabelEveryDecade()
    {
        string?[] labels = [.. AxisTicks.Log(-6, 3).Where(t => t.Label is not null).Select(t => t.Label)];

        Assert.That(labels, Is.EqualTo(new[] { "1e-6", "1e-5", "1e-4", "0.001", "0.01", "0.1", "1", "10", "100", "1000" }));
    }

    [Test]
    public void LineTrimmingWriter_DropsTrailingSpaces_AndKeepsInnerOnes()
    {
        var inner = new StringWriter();
        using (var writer = new LineTrimmingWriter(inner))
        {
            writer.Write("a   b   \nlast \r\n");
            writer.Write("x  ");
            writer.Flush();
            Assert.That(inner.ToString(), Is.EqualTo("a   b\nlast\r\nx"), "a flush writes the line so far, not its trailing spaces");
            writer.Write("y  \n");
        }

        Assert.That(inner.ToString(), Is.EqualTo("a   b\nlast\r\nx  y\n"));
    }
}
