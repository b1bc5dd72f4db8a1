using Dfa.Core.Config;
using Dfa.Core.Config.Schema;

namespace Dfa.Core.Tests.Config;

public sealed class ConfigDescribeTests
{
    private const string Custom = """
        batch_size: 64
        epochs: 3
        lr: 1e-4
        verbose: false
        backward_method: BP
        optimizer_algorithm: SGD
        p_drop: 0.25
        use_LayerNorm1D: true
        l1_regularization_lambda: 1e-6
        l2_regularization_lambda: 0.5
        weight_decay: 0.01
        lr_schdulear: {use_lr_schdulear: true, kind: constant, factor: 0.5, total_iters: 3, step_size: 4, gamma: 0.3}
        model: {hidden: [256, 128, 64], activation: leaky_relu, negative_slope: -0.5, prelu_init: 0.1, celu_alpha: 2}
        data:
          dataset: synthetic
          path: /data/mnist
          validation_split: 0.1
          normalize: false
          synthetic: {inputs: 20, classes: 4, train: 500, test: 100, teacher_hidden: 16, seed: 9}
        adam: {beta1: 0.8, beta2: 0.99, eps: 1e-6}
        sgd: {momentum: 0.9, dampening: 0, nesterov: true}
        early_stopping: {patience: 4, min_delta: 0.001}
        feedback: {backend: dense, init: xavier_uniform, scale: 0.5, seed: 42}
        hybrid: {warmup_steps: 50}
        modular: {boundaries: [hidden2, output]}
        hdfa: {p: 0.25, gamma: 0.75}
        freeze: [hidden1]
        init_from: {path: runs/bp, blocks: [hidden1, 'hidden 2']}
        seed: 18446744073709551615
        threads: 4
        output: runs/custom
        """;

    [Test]
    public void Describe_SurveyConfig_ListsEveryKeyInSchemaOrder()
    {
        var pairs = ConfigLoader.Describe(ConfigLoader.Parse(SurveyConfig.Text, "config.yaml"));
        Assert.That(pairs.Take(6), Is.EqualTo(new KeyValuePair<string, string>[]
        {
            new("batch_size", "128"), new("epochs", "20"), new("lr", "0.005"), new("verbose", "true"),
            new("backward_method", "DFA"), new("optimizer_algorithm", "ADAM"),
        }));
        Assert.That(pairs, Does.Contain(new KeyValuePair<string, string>("lr_schdulear.use_lr_schdulear", "false")));
        Assert.That(pairs, Does.Contain(new KeyValuePair<string, string>("lr_schdulear.kind", "step")));
        Assert.That(pairs, Does.Contain(new KeyValuePair<string, string>("model.hidden", "[800, 800]")));
        Assert.That(pairs, Does.Contain(new KeyValuePair<string, string>("adam.eps", "1e-08")));
        Assert.That(pairs, Does.Contain(new KeyValuePair<string, string>("early_stopping", "null")));
        Assert.That(pairs, Does.Contain(new KeyValuePair<string, string>("feedback.seed", "null")));
        Assert.That(pairs.Select(p => p.Key), Is.Unique);
    }

    [Test]
    public void Describe_ThenOverrides_RoundTrips()
    {
        var original = ConfigLoader.Parse(Custom, "custom.yaml");
        var described = ConfigLoader.Describe(original);
        var rebuilt = ConfigLoader.Parse("{}", "empty", described.Select(p => $"{p.Key}={p.Value}").ToArray());
        Assert.That(ConfigLoader.Describe(rebuilt), Is.EqualTo(described));
        Assert.That(rebuilt with { Model = original.Model, Modular = original.Modular, Freeze = original.Freeze, InitFrom = original.InitFrom }, Is.EqualTo(original));
        Assert.That(rebuilt.InitFrom!.Blocks, Is.EqualTo(original.InitFrom!.Blocks));
        Assert.That(rebuilt.Modular.Boundaries, Is.EqualTo(original.Modular.Boundaries));
        Assert.That(rebuilt.Freeze, Is.EqualTo(original.Freeze));
        Assert.That(rebuilt.Model.Hidden, Is.EqualTo(original.Model.Hidden));
    }

    [Test]
    public void Describe_ThenYamlDocument_RoundTrips()
    {
        var original = ConfigLoader.Parse(Custom, "custom.yaml");
        var described = ConfigLoader.Describe(original);
        var yaml = string.Join("\n", described.Select(p => $"{p.Key}: {p.Value}"));
        var flat = ConfigLoader.Parse("{}", "flat", described.Select(p => $"{p.Key}={p.Value}").ToArray());
        Assert.That(ConfigLoader.Describe(flat), Is.EqualTo(described));
        Assert.That(yaml, Does.Contain("model.hidden: [256, 128, 64]"));
    }

    [Test]
    public void Describe_CustomConfig_RendersEveryValue()
    {
        // Only registered backends load; the active backend's section is described at its defaults, the others as null.
        var d = ConfigLoader.Describe(ConfigLoader.Parse(Custom.Replace("backend: dense", "backend: TOY", StringComparison.Ordinal), "custom.yaml", null, ToySections.Schema))
            .ToDictionary(p => p.Key, p => p.Value);
        Assert.Multiple(() =>
        {
            Assert.That(d["lr"], Is.EqualTo("0.0001"));
            Assert.That(d["backward_method"], Is.EqualTo("BP"));
            Assert.That(d["optimizer_algorithm"], Is.EqualTo("SGD"));
            Assert.That(d["model.activation"], Is.EqualTo("leaky_relu"));
            Assert.That(d["model.hidden"], Is.EqualTo("[256, 128, 64]"));
            Assert.That(d["data.dataset"], Is.EqualTo("synthetic"));
            Assert.That(d["data.path"], Is.EqualTo("/data/mnist"));
            Assert.That(d["early_stopping.patience"], Is.EqualTo("4"));
            Assert.That(d["feedback.init"], Is.EqualTo("xavier_uniform"));
            Assert.That(d["feedback.seed"], Is.EqualTo("42"));
            Assert.That(d["seed"], Is.EqualTo("18446744073709551615"));
            Assert.That(d["output"], Is.EqualTo("runs/custom"));
            Assert.That(d["feedback.backend"], Is.EqualTo("toy"), "read as the registered spelling");
            Assert.That(d.Keys.Where(k => k.StartsWith("feedback.toy.", StringComparison.Ordinal)), Is.Not.Empty);
            Assert.That(d, Does.Not.ContainKey("feedback.toy"));
            Assert.That(d["feedback.lamp"], Is.EqualTo("null"));
            Assert.That(d["logging.alignment_every"], Is.EqualTo("100"));
            Assert.That(d["hybrid.warmup_steps"], Is.EqualTo("50"));
            Assert.That(d["modular.boundaries"], Is.EqualTo("[hidden2, output]"));
            Assert.That(d["hdfa.p"], Is.EqualTo("0.25"));
            Assert.That(d["freeze"], Is.EqualTo("[hidden1]"));
            Assert.That(d["init_from.blocks"], Is.EqualTo("[hidden1, 'hidden 2']"));
            Assert.That(d["checkpoint.enabled"], Is.EqualTo("true"));
            Assert.That(d["checkpoint.every_steps"], Is.EqualTo("0"));
            Assert.That(d, Has.Count.EqualTo(74), "the active toy section's two keys in place of one null");
        });
    }

    [Test]
    public void SupportedKeys_AreDescribesKeysWithEarlyStoppingSpelledOut()
    {
        IReadOnlyList<string> keys = ConfigLoader.SupportedKeys(ToySections.Schema);
        Assert.That(keys, Has.Count.EqualTo(75));
        Assert.That(keys, Does.Contain("checkpoint.every_steps"));
        Assert.That(keys, Does.Contain("logging.alignment_samples"));
        Assert.That(keys, Does.Contain("model.conv"));
        Assert.That(keys, Does.Contain("feedback.toy.rank"));
        Assert.That(keys, Does.Contain("feedback.lamp.threshold"));
        Assert.That(keys, Does.Contain("lr_schdulear.use_lr_schdulear"));
        Assert.That(keys, Does.Contain("early_stopping.min_delta"));
        Assert.That(keys, Does.Not.Contain("early_stopping"));
        Assert.That(keys, Is.Unique);
        Assert.That(ConfigLoader.SupportedKeys(), Is.EqualTo(keys.Where(k => !k.StartsWith("feedback.toy.", StringComparison.Ordinal) && !k.StartsWith("feedback.lamp.", StringComparison.Ordinal))));
    }

    [Test]
    public void Document_GivesEveryKeyItsTypeAndDefault_InDescribesOrder()
    {
        IReadOnlyList<KeyDoc> docs = ConfigLoader.Document(ToySections.Schema);
        Assert.That(docs.Select(d => d.Path), Is.EqualTo(ConfigLoader.SupportedKeys(ToySections.Schema)));
        Assert.That(docs.Single(d => d.Path == "feedback.toy.links"), Is.EqualTo(new KeyDoc("feedback.toy.links", "integer ≥ 1", "1", "links per unit")));
        Assert.That(docs.Single(d => d.Path == "feedback.lamp.threshold").Type, Is.EqualTo("number in [0, 1)"));
        Assert.That(docs.Single(d => d.Path == "feedback.toy.rank").Type, Is.EqualTo("integer ≥ 1, or null"));
        Assert.That(docs.Single(d => d.Path == "lr").Default, Is.EqualTo("0.005"));
    }

    [TestCase("true", "'true'")]
    [TestCase("123", "'123'")]
    [TestCase("it's: here", "'it''s: here'")]
    [TestCase("runs/a", "runs/a")]
    public void Describe_QuotesStringsYamlWouldMisread(string output, string rendered)
    {
        var c = new TrainConfig { Output = output };
        var value = ConfigLoader.Describe(c).Single(p => p.Key == "output").Value;
        Assert.That(value, Is.EqualTo(rendered));
        Assert.That(ConfigLoader.Parse("{}", "x", [$"output={value}"]).Output, Is.EqualTo(output));
    }
}
