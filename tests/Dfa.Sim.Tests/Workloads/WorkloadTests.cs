using Dfa.Sim.Workloads;

namespace Dfa.Sim.Tests.Workloads;

public class WorkloadTests
{
    [Test]
    public void Conv2d_CountsFollowTheFormula()
    {
        // 3×10×10 input, 4 channels, 3×3, stride 2, padding 1 → 4×5×5.
        WorkloadLayer conv = WorkloadLayer.Conv2d("c", new ImageSize(3, 10, 10), 4, kernel: 3, stride: 2, padding: 1, isFeedbackPoint: true);

        Assert.That(conv.InputSize, Is.EqualTo(300));
        Assert.That(conv.OutputSize, Is.EqualTo(100));
        Assert.That(conv.ForwardMacs, Is.EqualTo(5 * 5 * 4 * 3 * 3 * 3));
        Assert.That(conv.WeightGradientMacs, Is.EqualTo(conv.ForwardMacs));
        Assert.That(conv.InputGradientMacs, Is.EqualTo(conv.ForwardMacs));
        Assert.That(conv.Parameters, Is.EqualTo((4 * 3 * 3 * 3) + 4));
    }

    [Test]
    public void MaxPool_HasNoWeightsAndNoMacs()
    {
        WorkloadLayer pool = WorkloadLayer.MaxPool("p", new ImageSize(64, 55, 55), kernel: 3, stride: 2);

        Assert.That(pool.OutputSize, Is.EqualTo(64 * 27 * 27));
        Assert.That(pool.Parameters, Is.Zero);
        Assert.That(pool.ForwardMacs, Is.Zero);
        Assert.That(pool.WeightGradientMacs, Is.Zero);
        Assert.That(pool.InputGradientMacs, Is.Zero);
        Assert.That(pool.IsFeedbackPoint, Is.False);
    }

    [Test]
    public void Workload_MismatchedLayerSizes_Throws()
    {
        WorkloadLayer[] layers =
        [
            WorkloadLayer.Linear("fc1", 4, 3, isFeedbackPoint: true),
            WorkloadLayer.Linear("fc2", 5, 2, isFeedbackPoint: false),
        ];

        Assert.That(() => new Workload("bad", layers, 2),
            Throws.ArgumentException.With.Message.Contains("'fc1' outputs 3").And.Message.Contains("expects 5"));
    }

    [Test]
    public void Workload_OutputLayerAsFeedbackPoint_Throws()
    {
        WorkloadLayer[] layers =
        [
            WorkloadLayer.Linear("fc1", 4, 3, isFeedbackPoint: true),
            WorkloadLayer.Linear("fc2", 3, 2, isFeedbackPoint: true),
        ];

        Assert.That(() => new Workload("bad", layers, 2), Throws.ArgumentException.With.Message.Contains("true error"));
    }

    [Test]
    public void Workload_OutputsDisagreeWithTheOutputLayer_Throws()
    {
        WorkloadLayer[] layers =
        [
            WorkloadLayer.Linear("fc1", 4, 3, isFeedbackPoint: true),
            WorkloadLayer.Linear("fc2", 3, 2, isFeedbackPoint: false),
        ];

        Assert.That(() => new Workload("bad", layers, 7), Throws.ArgumentException.With.Message.Contains("expected 7"));
    }

    [Test]
    public void Workload_WithoutFeedbackPoints_Throws()
    {
        WorkloadLayer[] layers = [WorkloadLayer.Linear("fc1", 4, 3, isFeedbackPoint: false)];

        Assert.That(() => new Workload("bad", layers, 3), Throws.ArgumentException.With.Message.Contains("no hidden feedback point"));
        Assert.That(new Workload("input-only", layers, 3, feedbackAtInput: true).FeedbackShape.LayerSizes, Is.EqualTo(new[] { 4 }));
    }

    [Test]
    public void Workload_CopiesItsLayersAndComparesByValue()
    {
        var layers = new List<WorkloadLayer>
        {
            WorkloadLayer.Linear("fc1", 4, 3, isFeedbackPoint: true),
            WorkloadLayer.Linear("fc2", 3, 2, isFeedbackPoint: false),
        };
        var workload = new Workload("w", layers, 2);
        layers.Clear();

        Assert.That(workload.Layers, Has.Count.EqualTo(2));
        Assert.That(WorkloadCatalog.Vgg16(10), Is.EqualTo(WorkloadCatalog.Vgg16(10)));
        Assert.That(WorkloadCatalog.Vgg16(10), Is.Not.EqualTo(WorkloadCatalog.Vgg16(100)));
    }
}
