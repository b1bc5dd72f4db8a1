using Dfa.Core.Config;
using Dfa.Core.Yaml;

namespace Dfa.Core.Tests.Config;

public sealed class ConfigOverrideTests
{
    [Test]
    public void Overrides_ApplyOnTopOfTheFile()
    {
        var c = ConfigLoader.Parse(SurveyConfig.Text, "config.yaml",
        [
            "lr=0.01",
            "model.hidden=[400, 400]",
            "lr_schdulear.use_lr_schdulear=true",
            "lr_schdulear.kind=constant",
            "feedback.backend=sparse",
            "data.synthetic.classes=3",
            "backward_method=BP",
            "output=runs/a b",
        ]);
        Assert.Multiple(() =>
        {
            Assert.That(c.LearningRate, Is.EqualTo(0.01));
            Assert.That(c.Model.Hidden, Is.EqualTo(new[] { 400, 400 }));
            Assert.That(c.LrScheduler.Enabled, Is.True);
            Assert.That(c.LrScheduler.Kind, Is.EqualTo(LrSchedulerKind.Constant));
            Assert.That(c.LrScheduler.Gamma, Is.EqualTo(0.1));
            Assert.That(c.Feedback.Backend, Is.EqualTo("sparse"));
            Assert.That(c.Data.Synthetic.Classes, Is.EqualTo(3));
            Assert.That(c.Algorithm, Is.EqualTo(TrainingAlgorithmKind.Bp));
            Assert.That(c.Output, Is.EqualTo("runs/a b"));
            Assert.That(c.BatchSize, Is.EqualTo(128));
        });
    }

    [Test]
    public void MappingOverride_MergesIntoTheFilesMapping()
    {
        var c = ConfigLoader.Parse("lr_schdulear: {step_size: 7, gamma: 0.2}", "f.yaml", ["lr_schdulear={gamma: 0.5}"]);
        Assert.That((c.LrScheduler.StepSize, c.LrScheduler.Gamma), Is.EqualTo((7, 0.5)));
    }

    [Test]
    public void LaterOverride_Wins()
    {
        Assert.That(ConfigLoader.Parse("lr: 0.1", "f.yaml", ["lr=0.2", "lr=0.3"]).LearningRate, Is.EqualTo(0.3));
    }

    [Test]
    public void Override_CanSwitchAnOptionalSectionOnAndOff()
    {
        var on = ConfigLoader.Parse("{}", "f.yaml", ["early_stopping.patience=2", "data.validation_split=0.2"]);
        Assert.That(on.EarlyStopping, Is.EqualTo(new EarlyStoppingConfig { Patience = 2 }));
        var off = ConfigLoader.Parse("early_stopping: {patience: 3}\ndata: {validation_split: 0.1}", "f.yaml", ["early_stopping=null"]);
        Assert.That(off.EarlyStopping, Is.Null);
    }

    [TestCase("lr=abc", 4, "lr: expected a number, got 'abc'")]
    [TestCase("lr=-1", 4, "lr must be greater than 0, got -1")]
    [TestCase("lr=", 4, "lr: expected a number, got no value")]
    [TestCase("lr=null", 4, "lr: expected a number, got null")]
    [TestCase("verbose=maybe", 9, "verbose: expected true or false, got 'maybe'")]
    [TestCase("model.hidden=[400, x]", 20, "model.hidden[1]: expected an integer, got 'x'")]
    [TestCase("model.hidden=400", 14, "model.hidden: expected a list of integers such as [800, 800], got '400'")]
    [TestCase("model=3", 7, "model: expected a mapping of keys")]
    [TestCase("lr_schedular.gamma=0.5", 1, "unknown key 'lr_schedular'; did you mean 'lr_schdulear'?")]
    [TestCase("lr_schdulear.gama=0.5", 14, "unknown key 'gama' in 'lr_schdulear'; did you mean 'gamma'?")]
    [TestCase("lr_schdulear={gama: 0.5}", 15, "unknown key 'gama' in 'lr_schdulear'; did you mean 'gamma'?")]
    [TestCase("lr 0.01", 1, "expected key=value")]
    [TestCase("model..hidden=[1]", 7, "empty key")]
    [TestCase("=1", 1, "empty key")]
    [TestCase("model.hidden=[400,", 14, "malformed YAML")]
    [TestCase("lr=*x", 4, "YAML aliases")]
    public void BadOverride_NamesTheOverride(string text, int column, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(SurveyConfig.Text, "config.yaml", [text]))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.IsOverride, Is.True);
            Assert.That(e.File, Is.EqualTo($"--set '{text}'"));
            Assert.That(e.Message, Does.StartWith($"--set '{text}': "));
            Assert.That(e.Problem, Does.Contain(problem));
            Assert.That(e.Column, Is.EqualTo(column), e.Message);
        });
    }

    [Test]
    public void OverrideMessage_HasTheDocumentedShape()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("{}", "f.yaml", ["lr=-1"]))!;
        Assert.That(e.Message, Is.EqualTo("--set 'lr=-1': lr must be greater than 0, got -1"));
    }

    [Test]
    public void ConflictCreatedByOverrides_NamesTheOverride()
    {
        var e = Assert.Throws<ConfigException>(() =>
            ConfigLoader.Parse(SurveyConfig.Text, "config.yaml", ["use_BatchNorm1D=true", "use_LayerNorm1D=True"]))!;
        Assert.That(e.Message, Does.StartWith("--set 'use_LayerNorm1D=True': use_BatchNorm1D and use_LayerNorm1D are both true"));
    }

    [Test]
    public void Load_AppliesOverrides()
    {
        var c = ConfigLoader.Load(SurveyConfig.SeedPath, ["optimizer_algorithm=sgd", "sgd.momentum=0.9", "sgd.nesterov=true"]);
        Assert.That(c.Optimizer, Is.EqualTo(OptimizerKind.Sgd));
        Assert.That(c.Sgd, Is.EqualTo(new SgdConfig { Momentum = 0.9, Nesterov = true }));
    }
}
