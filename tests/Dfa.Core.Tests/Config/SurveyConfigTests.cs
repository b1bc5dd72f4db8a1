using Dfa.Core.Config;

namespace Dfa.Core.Tests.Config;

public sealed class SurveyConfigTests
{
    [Test]
    public void SeedFile_IsTheSurveyTextByteForByte()
    {
        Assert.That(File.ReadAllText(SurveyConfig.SeedPath), Is.EqualTo(SurveyConfig.Text));
    }

    [Test]
    public void Parse_SurveyText_GivesTheSurveyValues()
    {
        AssertSurveyValues(ConfigLoader.Parse(SurveyConfig.Text, "config.yaml"));
    }

    [Test]
    public void Load_SeedFile_GivesTheSurveyValues()
    {
        AssertSurveyValues(ConfigLoader.Load(SurveyConfig.SeedPath));
    }

    [Test]
    public void Parse_SurveyTextWithCrLfAndByteOrderMark_GivesTheSurveyValues()
    {
        AssertSurveyValues(ConfigLoader.Parse("\uFEFF" + SurveyConfig.Text.Replace("\n", "\r\n"), "config.yaml"));
    }

    [Test]
    public void Parse_EmptyMapping_GivesEveryDefault()
    {
        var c = ConfigLoader.Parse("{}", "defaults");
        Assert.That(ConfigLoader.Describe(c), Is.EqualTo(ConfigLoader.Describe(new TrainConfig())));
    }

    [Test]
    public void UseLrScheduler_MeansStepLrUnlessKindIsConstant()
    {
        var step = ConfigLoader.Parse("lr_schdulear: {use_lr_schdulear: True, step_size: 3, gamma: 0.5}", "c.yaml").LrScheduler;
        Assert.That(step, Is.EqualTo(new LrSchedulerConfig { Enabled = true, Kind = LrSchedulerKind.Step, StepSize = 3, Gamma = 0.5 }));
        var constant = ConfigLoader.Parse("lr_schdulear: {use_lr_schdulear: True, kind: Constant, factor: 0.5, total_iters: 2}", "c.yaml").LrScheduler;
        Assert.That(constant, Is.EqualTo(new LrSchedulerConfig { Enabled = true, Kind = LrSchedulerKind.Constant, Factor = 0.5, TotalIters = 2 }));
    }

    [Test]
    public void DfaKeys_LoadBesideTheSurveyKeys()
    {
        var c = ConfigLoader.Parse(SurveyConfig.Text + """
            model:
              hidden: [400, 200, 100]
              activation: tanh
            data: {dataset: Synthetic, validation_split: 0.2, synthetic: {inputs: 32, classes: 5}}
            adam: {beta1: 0.5}
            sgd: {momentum: 0.9, nesterov: true}
            early_stopping: {patience: 2, min_delta: 1e-4}
            feedback: {backend: dense, init: uniform, scale: 0.1, seed: 7}
            seed: 123
            threads: 2
            output: runs/x
            """, "c.yaml");
        Assert.Multiple(() =>
        {
            Assert.That(c.Model.Hidden, Is.EqualTo(new[] { 400, 200, 100 }));
            Assert.That(c.Model.Activation, Is.EqualTo(ActivationKind.Tanh));
            Assert.That(c.Data.Dataset, Is.EqualTo(DatasetKind.Synthetic));
            Assert.That(c.Data.ValidationSplit, Is.EqualTo(0.2));
            Assert.That(c.Data.Synthetic, Is.EqualTo(new SyntheticConfig { Inputs = 32, Classes = 5 }));
            Assert.That(c.Adam, Is.EqualTo(new AdamConfig { Beta1 = 0.5 }));
            Assert.That(c.Sgd, Is.EqualTo(new SgdConfig { Momentum = 0.9, Nesterov = true }));
            Assert.That(c.EarlyStopping, Is.EqualTo(new EarlyStoppingConfig { Patience = 2, MinDelta = 1e-4 }));
            Assert.That(c.Feedback, Is.EqualTo(new FeedbackConfig { Backend = "dense", Init = FeedbackInit.Uniform, Scale = 0.1, Seed = 7 }));
            Assert.That(c.Seed, Is.EqualTo(123UL));
            Assert.That(c.Threads, Is.EqualTo(2));
            Assert.That(c.Output, Is.EqualTo("runs/x"));
            Assert.That(c.LearningRate, Is.EqualTo(5e-3));
        });
    }

    private static void AssertSurveyValues(TrainConfig c)
    {
        Assert.Multiple(() =>
        {
            Assert.That(c.BatchSize, Is.EqualTo(128));
            Assert.That(c.Epochs, Is.EqualTo(20));
            Assert.That(c.LearningRate, Is.EqualTo(5e-3));
            Assert.That(c.Verbose, Is.True);
            Assert.That(c.Algorithm, Is.EqualTo(TrainingAlgorithmKind.Dfa));
            Assert.That(c.Optimizer, Is.EqualTo(OptimizerKind.Adam));
            Assert.That(c.DropoutP, Is.EqualTo(0.0));
            Assert.That(c.UseBatchNorm, Is.False);
            Assert.That(c.UseLayerNorm, Is.False);
            Assert.That(c.L1Lambda, Is.EqualTo(0.0));
            Assert.That(c.L2Lambda, Is.EqualTo(0.0));
            Assert.That(c.WeightDecay, Is.EqualTo(0.0));
            Assert.That(c.LrScheduler.Enabled, Is.False);
            Assert.That(c.LrScheduler.Kind, Is.EqualTo(LrSchedulerKind.Step));
            Assert.That(c.LrScheduler.StepSize, Is.EqualTo(2));
            Assert.That(c.LrScheduler.Gamma, Is.EqualTo(0.1));
            Assert.That(c.LrScheduler.Factor, Is.EqualTo(1.0 / 3.0));
            Assert.That(c.LrScheduler.TotalIters, Is.EqualTo(5));

            // Keys the survey does not have keep Dfa's defaults.
            Assert.That(c.Model.Hidden, Is.EqualTo(new[] { 800, 800 }));
            Assert.That(c.Model.Activation, Is.EqualTo(ActivationKind.Relu));
            Assert.That(c.Data.Dataset, Is.EqualTo(DatasetKind.Mnist));
            Assert.That(c.Data.ValidationSplit, Is.EqualTo(0.0));
            Assert.That(c.Adam, Is.EqualTo(new AdamConfig()));
            Assert.That(c.Sgd, Is.EqualTo(new SgdConfig()));
            Assert.That(c.EarlyStopping, Is.Null);
            Assert.That(c.Feedback, Is.EqualTo(new FeedbackConfig()));
            Assert.That(c.Seed, Is.EqualTo(0UL));
            Assert.That(c.Threads, Is.EqualTo(0));
            Assert.That(c.Output, Is.Null);
        });
    }
}
