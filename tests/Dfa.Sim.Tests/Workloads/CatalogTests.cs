using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Networks;
using Dfa.Core.Training;
using Dfa.Sim.Workloads;

namespace Dfa.Sim.Tests.Workloads;

public class CatalogTests
{
    // Hidden feedback sizes of VGG-16 on 224×224: each layer's output, channels × height × width (Simonyan and
    // Zisserman 2015, Table 1, configuration D).
    private static readonly int[] Vgg16FeedbackSizes =
    [
        3_211_264, 3_211_264, 1_605_632, 1_605_632, 802_816, 802_816, 802_816,
        401_408, 401_408, 401_408, 100_352, 100_352, 100_352, 4096, 4096,
    ];

    [Test]
    public void Vgg16_HasLaunaysFifteenFeedbackPoints()
    {
        NetworkSpec vgg = WorkloadCatalog.Create("vgg16", 1000);
        FeedbackShape shape = vgg.FeedbackShape;

        Assert.That(shape.ErrorSize, Is.EqualTo(1000));
        Assert.That(shape.LayerSizes, Is.EqualTo(Vgg16FeedbackSizes));
        Assert.That(shape.TotalLayerSize, Is.EqualTo(13_555_712));
        Assert.That(shape.MaxLayerSize, Is.EqualTo(3_211_264));
        Assert.That(vgg.HiddenBlocks.Select(b => b.Name), Is.EqualTo(new[]
        {
            "conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv3_3",
            "conv4_1", "conv4_2", "conv4_3", "conv5_1", "conv5_2", "conv5_3", "fc6", "fc7",
        }));
        Assert.That(vgg.HiddenBlocks.Select(b => b.Layers[b.FeedbackLayer].Kind), Is.All.Not.EqualTo(LayerKind.MaxPool), "a pooled stage is fed at its convolution");
    }

    [Test]
    public void Vgg16_MatchesTorchvisionParametersAndMacs()
    {
        NetworkSpec vgg = WorkloadCatalog.Vgg16(1000);

        // torchvision VGG16_Weights.IMAGENET1K_V1 meta: num_params 138357544, _ops 15.47 (GMACs).
        Assert.That(vgg.Parameters, Is.EqualTo(138_357_544));

        // Exact count, derived: Σ conv H·W·C_out·C_in·9 = 15,346,630,656 plus FC 25088·4096 + 4096² + 4096·1000
        // = 123,633,664; published ≈ 15.47 G (torchvision) / "15.5 GMACs".
        Assert.That(vgg.ForwardMacs, Is.EqualTo(15_470_264_320));
        Assert.That(Layers(vgg).Where(l => l.Kind == LayerKind.Conv2d).Sum(l => l.ForwardMacs),
            Is.EqualTo(15_346_630_656));
        Assert.That(vgg.ForwardMacs / 1e9, Is.EqualTo(15.47).Within(0.005));
    }

    [Test]
    public void Vgg16_BackwardCountsFollowTheFormulas()
    {
        NetworkSpec vgg = WorkloadCatalog.Vgg16(1000);
        long conv1 = 224L * 224 * 64 * 3 * 3 * 3;

        Assert.That(Layers(vgg)[0].ForwardMacs, Is.EqualTo(conv1));
        Assert.That(vgg.WeightGradientMacs, Is.EqualTo(15_470_264_320));
        Assert.That(vgg.WeightGradientMacs, Is.EqualTo(vgg.ForwardMacs));
        Assert.That(BackpropBackwardMacs(vgg), Is.EqualTo((2 * 15_470_264_320) - conv1));
    }

    [Test]
    public void Vgg16_ActivationsPerSample_IsEveryTensorBetweenLayersOnce()
    {
        NetworkSpec vgg = WorkloadCatalog.Vgg16(1000);

        // Derived: input 150,528 + conv outputs 13,547,520 + pool outputs 1,530,368 + FC outputs 4096 + 4096 + 1000.
        Assert.That(vgg.ActivationsPerSample, Is.EqualTo(150_528 + 13_547_520 + 1_530_368 + 4096 + 4096 + 1000));
        Assert.That(Layers(vgg).Where(l => l.Kind == LayerKind.MaxPool).Sum(l => (long)l.OutputSize),
            Is.EqualTo(1_530_368));
    }

    [Test]
    public void Vgg16_WithInputFeedbackPoint_AddsTheImage()
    {
        NetworkSpec plain = WorkloadCatalog.Create("vgg16", 1000);
        NetworkSpec withInput = WorkloadCatalog.Create("vgg16", 1000, feedbackAtInput: true);

        Assert.That(withInput.FeedbackShape.LayerSizes, Has.Count.EqualTo(16));
        Assert.That(withInput.FeedbackShape.LayerSizes[0], Is.EqualTo(3 * 224 * 224));
        Assert.That(withInput.FeedbackShape.TotalLayerSize, Is.EqualTo(13_555_712 + 150_528));
        Assert.That(withInput.FeedbackShape.MaxLayerSize, Is.EqualTo(3_211_264));
        Assert.That(withInput.Parameters, Is.EqualTo(plain.Parameters));
        Assert.That(BackpropBackwardMacs(withInput), Is.EqualTo(BackpropBackwardMacs(plain)));
        Assert.That(plain.WithFeedbackAtInput(), Is.EqualTo(withInput));
    }

    [Test]
    public void AlexNet_MatchesTorchvision()
    {
        NetworkSpec alexnet = WorkloadCatalog.Create("alexnet", 1000);

        // torchvision AlexNet_Weights.IMAGENET1K_V1 meta: num_params 61100840, _ops 0.714 (GMACs).
        Assert.That(alexnet.Parameters, Is.EqualTo(61_100_840));

        // Derived: conv 70,276,800 + 223,948,800 + 112,140,288 + 149,520,384 + 99,680,256,
        // FC 9216·4096 + 4096² + 4096·1000.
        Assert.That(alexnet.ForwardMacs, Is.EqualTo(714_188_480));
        Assert.That(alexnet.ForwardMacs / 1e9, Is.EqualTo(0.714).Within(0.0005));
        Assert.That(alexnet.FeedbackShape.LayerSizes, Is.EqualTo(new[]
        {
            64 * 55 * 55, 192 * 27 * 27, 384 * 13 * 13, 256 * 13 * 13, 256 * 13 * 13, 4096, 4096,
        }));
        Assert.That(Layers(alexnet).Single(l => l.Name == "fc6").InputSize, Is.EqualTo(256 * 6 * 6));
    }

    [Test]
    public void MnistMlp_MatchesTheTrainingNetwork()
    {
        NetworkSpec mlp = WorkloadCatalog.Create("mnist-mlp", 10);
        var config = new TrainConfig { Model = new ModelConfig { Hidden = [800, 800] }, Threads = 1 };
        Network network = NetworkBuilder.Build(config, inputs: 784, classes: 10, seed: 1);

        Assert.That(mlp.Parameters, Is.EqualTo(1_276_810));
        Assert.That(mlp.Parameters, Is.EqualTo(network.ParameterCount));
        Assert.That(mlp.FeedbackShape, Is.EqualTo(new FeedbackShape(10, [800, 800])));
        Assert.That(mlp.ForwardMacs, Is.EqualTo((784 * 800) + (800 * 800) + (800 * 10)));
        Assert.That(BackpropBackwardMacs(mlp), Is.EqualTo((800 * 800) + (800 * 10) + mlp.ForwardMacs));
        Assert.That(mlp.WeightGradientMacs, Is.EqualTo(mlp.ForwardMacs));
        Assert.That(mlp.ActivationsPerSample, Is.EqualTo(784 + 800 + 800 + 10));
    }

    [Test]
    public void Mlp_ParsesWidthsAndAppendsTheOutputLayer()
    {
        NetworkSpec mlp = WorkloadCatalog.Create("mlp:784-800-800", 10);

        Assert.That(mlp.Name, Is.EqualTo("mlp:784-800-800"));
        Assert.That(mlp.Blocks.Select(b => (b.InputSize, b.OutputSize)),
            Is.EqualTo(new[] { (784, 800), (800, 800), (800, 10) }));
        Assert.That(mlp.HiddenBlocks.Select(b => b.Name), Is.EqualTo(new[] { "fc1", "fc2" }));
        Assert.That(mlp.Parameters, Is.EqualTo(WorkloadCatalog.MnistMlp(10).Parameters));
        Assert.That(WorkloadCatalog.Mlp([5, 3], 2).FeedbackShape, Is.EqualTo(new FeedbackShape(2, [3])));
    }

    [TestCase("vgg16")]
    [TestCase("alexnet")]
    [TestCase("mnist-mlp")]
    [TestCase("MLP:20-7-5")]
    public void Create_AnyOutputSize_SetsTheErrorSizeAndTheOutputLayer(string name)
    {
        foreach (int e in new[] { 1, 10, 100, 1000, 21841 })
        {
            NetworkSpec workload = WorkloadCatalog.Create(name, e);
            LayerSpec output = Layers(workload)[^1];

            Assert.That(workload.Outputs, Is.EqualTo(e));
            Assert.That(workload.FeedbackShape.ErrorSize, Is.EqualTo(e));
            Assert.That(output.OutputSize, Is.EqualTo(e));
            Assert.That(output.Parameters, Is.EqualTo(((long)output.InputSize * e) + e));
        }
    }

    [Test]
    public void MnistCnn_IsTheNetworkOfTheCnnConfigs()
    {
        NetworkSpec cnn = WorkloadCatalog.Create("mnist-cnn", 10);
        var config = ConfigLoader.Load(Dfa.Testing.RepoPaths.Combine("configs", "cnn", "bp.yaml"));
        Assert.That(cnn.Blocks, Is.EqualTo(NetworkSpec.From(config, 784, 10).Blocks));
        Assert.That(cnn.Parameters, Is.EqualTo(3_274_634));
        Assert.That(() => WorkloadCatalog.Create("mnist-cnn", 1), Throws.TypeOf<DfaInputException>().With.Message.Contains("at least 2"));
    }

    [Test]
    public void Create_UnknownName_ListsTheValidNames()
    {
        var ex = Assert.Throws<DfaInputException>(() => WorkloadCatalog.Create("resnet49", 1000))!;

        Assert.That(ex.Message, Does.Contain("resnet49"));
        foreach (string name in new[] { "mlp:", "mnist-mlp", "mnist-cnn", "vgg16", "alexnet", "resnet50", "bert-base", "bert-large", "bert-large-pretrain" })
        {
            Assert.That(ex.Message, Does.Contain(name));
        }
    }

    [TestCase("mlp:")]
    [TestCase("mlp:784")]
    [TestCase("mlp:784-x-10")]
    [TestCase("mlp:784--10")]
    [TestCase("mlp:784-0")]
    [TestCase("mlp:784- 800")]
    [TestCase("mlp:784-99999999999")]
    public void Create_MalformedMlpWidths_IsAnInputError(string name)
    {
        Assert.That(() => WorkloadCatalog.Create(name, 10),
            Throws.TypeOf<DfaInputException>().With.Message.Contains("mlp:784-800-800"));
    }

    [Test]
    public void Create_NoOutputs_IsAnInputError()
    {
        Assert.That(() => WorkloadCatalog.Create("vgg16", 0),
            Throws.TypeOf<DfaInputException>().With.Message.Contains("got 0"));
    }

    [Test]
    public void ResNet50_MatchesTorchvisionParametersAndMacs()
    {
        NetworkSpec resnet = WorkloadCatalog.Create("resnet50", 1000);

        // torchvision ResNet50_Weights.IMAGENET1K_V1 meta (v1.5, SOURCES.md [He-2016]): num_params 25557032,
        // _ops 4.089 (GMACs). Exact MACs, derived: Σ conv H·W·C_out·C_in·k² (shortcuts included) + fc 2048·1000.
        Assert.That(resnet.Parameters, Is.EqualTo(25_557_032));
        Assert.That(resnet.ForwardMacs, Is.EqualTo(4_089_184_256));
        Assert.That(resnet.ForwardMacs / 1e9, Is.EqualTo(4.089).Within(0.0005));
        Assert.That(resnet.HiddenBlocks, Has.Count.EqualTo(17), "the stem and sixteen bottlenecks are feedback points");
        Assert.That(resnet.Inputs, Is.EqualTo(3 * 224 * 224));
    }

    [Test]
    public void BertBase_MatchesThePublishedSizeAndTheDerivedMacs()
    {
        const int e = 2;
        NetworkSpec bert = WorkloadCatalog.Create("bert-base", e);

        // Devlin et al. 2019 §3 (SOURCES.md [Devlin-2019]): "Total Parameters = 110M". Exact, derived: embeddings
        // (30522 + 512 + 2)·768 + LayerNorm 2·768 = 23,837,184; per layer 4·(768² + 768) + (768·3072 + 3072)
        // + (3072·768 + 768) + 2·2·768 = 7,087,872; pooler 768² + 768; 109,482,240 with the pooler (the
        // bert-base-uncased checkpoint's count), then the classifier 768·e + e.
        Assert.That(bert.Parameters, Is.EqualTo(109_482_240 + (768 * e) + e));
        Assert.That(bert.Parameters / 1e6, Is.EqualTo(110).Within(1));

        // Per token per layer at sequence 128: 4·768² + 2·768·3072 projections + 2·128·768 attention = 7,274,496;
        // ×12 layers ×128 tokens = 11,173,625,856 (Kaplan's 2N + 2·n_layer·n_ctx·d counts half the attention term),
        // plus the pooler 768² and the classifier 768·e.
        Assert.That(bert.ForwardMacs, Is.EqualTo(11_173_625_856 + (768L * 768) + (768 * e)));
        Assert.That(bert.HiddenBlocks, Has.Count.EqualTo(25), "embeddings, and attention and feed-forward of twelve layers");
    }

    [Test]
    public void BertLarge_HasThePublishedSize()
    {
        // Devlin et al. 2019 §3: BERT-large "Total Parameters = 340M" (335,141,888 with the pooler, derived as for base).
        NetworkSpec bert = WorkloadCatalog.Create("bert-large", 2);
        Assert.That(bert.Parameters - (1024 * 2) - 2, Is.EqualTo(335_141_888));
    }

    [Test]
    public void PricedOnlyWorkloads_AreRefusedByTrainingWithOneLine()
    {
        NetworkSpec resnet = WorkloadCatalog.Create("resnet50", 10);
        var ex = Assert.Throws<DfaInputException>(() => NetworkBuilder.Build(resnet, 1, 1))!;
        Assert.That(ex.Message, Does.Contain("priced by the simulator only"));
    }

    private static IReadOnlyList<LayerSpec> Layers(NetworkSpec network) => [.. network.Blocks.SelectMany(b => b.Layers)];

    /// <summary>BP's backward MACs per sample: every layer's weight gradient and every input gradient but the first layer's.</summary>
    private static long BackpropBackwardMacs(NetworkSpec network) =>
        Layers(network).Skip(1).Sum(l => l.InputGradientMacs) + network.WeightGradientMacs;
}
