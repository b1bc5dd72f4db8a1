using System.Text;
using Dfa.Core.Config;
using Dfa.Core.Yaml;

namespace Dfa.Core.Tests.Config;

public sealed class ConfigErrorTests
{
    private const string File = "run.yaml";

    [Test]
    public void UnknownKey_AtRoot_SuggestsTheSurveySpelling()
    {
        var e = Fail("batch_size: 1\nepochs: 2\nlr_schedular: {gamma: 0.5}\n");
        AssertAt(e, 3, 1, "unknown key 'lr_schedular'; did you mean 'lr_schdulear'?");
        Assert.That(e.Message, Is.EqualTo("run.yaml:3:1: unknown key 'lr_schedular'; did you mean 'lr_schdulear'?"));
    }

    [Test]
    public void UnknownKey_InsideTheSurveyFlowMapping_ReportsItsOwnPosition()
    {
        var e = Fail(SurveyConfig.Text.Replace("    step_size: 2,", "    step_sise: 2,"));
        AssertAt(e, 30, 5, "unknown key 'step_sise' in 'lr_schdulear'; did you mean 'step_size'?");
    }

    [Test]
    public void UnknownKey_SuggestsOnlyKeysOfItsOwnLevel()
    {
        var e = Fail("model:\n  hiden: [10]\n  activaton: relu\n");
        AssertAt(e, 2, 3, "unknown key 'hiden' in 'model'; did you mean 'hidden'?");

        // 'gamma' is a key of lr_schdulear and of hdfa, not of model: no suggestion at this level, both places named.
        var far = Fail("model: {gamma: 1}");
        AssertAt(far, 1, 9, "unknown key 'gamma' in 'model'; 'gamma' belongs at 'lr_schdulear.gamma' or 'hdfa.gamma'");
        Assert.That(far.Message, Does.Not.Contain("did you mean"));
    }

    [Test]
    public void UnknownKey_AtTheWrongLevel_SaysWhereItBelongs()
    {
        AssertAt(Fail("lr: 0.1\nstep_size: 3\n"), 2, 1, "unknown key 'step_size'; 'step_size' belongs at 'lr_schdulear.step_size'");
        AssertAt(Fail("data:\n  hidden: [3]\n"), 2, 3, "unknown key 'hidden' in 'data'; 'hidden' belongs at 'model.hidden'");
    }

    [Test]
    public void UnknownKey_FarFromEveryKey_HasNoSuggestion()
    {
        var e = Fail("lr: 0.1\nzzzzzz: 1\n");
        AssertAt(e, 2, 1, "unknown key 'zzzzzz'");
        Assert.That(e.Message, Does.Not.Contain("did you mean"));
    }

    [Test]
    public void UnknownKey_WrongCase_SuggestsTheRightCase()
    {
        AssertAt(Fail("use_batchnorm1d: true"), 1, 1, "did you mean 'use_BatchNorm1D'?");
    }

    [Test]
    public void DuplicateKey_NamesBothPositions()
    {
        AssertAt(Fail("lr: 0.1\nepochs: 3\nlr: 0.2\n"), 3, 1, "duplicate key 'lr' (first given at line 1, column 1)");
        AssertAt(Fail("lr_schdulear: {gamma: 0.1,\n  gamma: 0.2}"), 2, 3, "duplicate key 'gamma'");
    }

    [TestCase("lr: abc", 1, 5, "lr: expected a number, got 'abc'")]
    [TestCase("lr: \"0.1\"", 1, 5, "lr: expected a number, got the quoted string \"0.1\"")]
    [TestCase("lr: [1]", 1, 5, "lr: expected a number, got a list")]
    [TestCase("lr:", 1, 4, "lr: expected a number, got no value")]
    [TestCase("lr: .nan", 1, 5, "lr must be a finite number, got '.nan'")]
    [TestCase("lr: -.inf", 1, 5, "lr must be a finite number, got '-.inf'")]
    [TestCase("lr: 1e999", 1, 5, "lr must be a finite number, got '1e999'")]
    [TestCase("epochs: 2.5", 1, 9, "epochs: expected an integer, got '2.5'")]
    [TestCase("verbose: yes", 1, 10, "verbose: expected true or false, got 'yes'")]
    [TestCase("verbose: null", 1, 10, "verbose: expected true or false, got null")]
    [TestCase("model:\n  hidden: 800", 2, 11, "model.hidden: expected a list of integers such as [800, 800], got '800'")]
    [TestCase("model: {hidden: [800, x]}", 1, 23, "model.hidden[1]: expected an integer, got 'x'")]
    [TestCase("model: {hidden: [800, [1]]}", 1, 23, "model.hidden: expected a list of integers, got a list at index 1")]
    [TestCase("model: {hidden: []}", 1, 17, "model.hidden: expected 1 to 1024 entries, got 0")]
    [TestCase("model: 5", 1, 8, "model: expected a mapping of keys (hidden, activation, conv, input_shape, conv_kernel, conv_stride, conv_padding, pool, pool_kind, negative_slope, prelu_init, celu_alpha), got '5'")]
    [TestCase("early_stopping: 3", 1, 17, "early_stopping: expected a mapping of keys (patience, min_delta) or null, got '3'")]
    [TestCase("seed: abc", 1, 7, "seed: expected a non-negative integer, got 'abc'")]
    [TestCase("feedback: {backend: ''}", 1, 21, "feedback.backend: expected a non-empty string")]
    public void WrongType_IsReportedAtTheValue(string yaml, int line, int column, string problem)
    {
        AssertAt(Fail(yaml), line, column, problem);
    }

    [TestCase("lr: 0", 1, 5, "lr must be greater than 0, got 0")]
    [TestCase("lr: -1", 1, 5, "lr must be greater than 0, got -1")]
    [TestCase("batch_size: 0", 1, 13, "batch_size must be at least 1, got 0")]
    [TestCase("batch_size: 99999999999", 1, 13, "batch_size must be at most 2147483647, got 99999999999")]
    [TestCase("epochs: 0", 1, 9, "epochs must be at least 1, got 0")]
    [TestCase("p_drop: 1", 1, 9, "p_drop must be in [0, 1), got 1")]
    [TestCase("p_drop: -0.1", 1, 9, "p_drop must be in [0, 1), got -0.1")]
    [TestCase("l1_regularization_lambda: -1e-3", 1, 27, "l1_regularization_lambda must be at least 0, got -1e-3")]
    [TestCase("l2_regularization_lambda: -1", 1, 27, "l2_regularization_lambda must be at least 0, got -1")]
    [TestCase("weight_decay: -0.5", 1, 15, "weight_decay must be at least 0, got -0.5")]
    [TestCase("data:\n  validation_split: 1.0", 2, 21, "data.validation_split must be in [0, 1), got 1.0")]
    [TestCase("model: {hidden: [800, 0]}", 1, 23, "model.hidden[1] must be at least 1, got 0")]
    [TestCase("model: {celu_alpha: 0}", 1, 21, "model.celu_alpha must be greater than 0, got 0")]
    [TestCase("threads: -1", 1, 10, "threads must be at least 0, got -1")]
    [TestCase("adam: {beta1: 1}", 1, 15, "adam.beta1 must be in [0, 1), got 1")]
    [TestCase("adam: {beta2: -0.1}", 1, 15, "adam.beta2 must be in [0, 1), got -0.1")]
    [TestCase("adam: {eps: 0}", 1, 13, "adam.eps must be greater than 0, got 0")]
    [TestCase("sgd: {momentum: -0.9}", 1, 17, "sgd.momentum must be at least 0, got -0.9")]
    [TestCase("lr_schdulear: {gamma: 0}", 1, 23, "lr_schdulear.gamma must be greater than 0, got 0")]
    [TestCase("lr_schdulear: {step_size: 0}", 1, 27, "lr_schdulear.step_size must be at least 1, got 0")]
    [TestCase("lr_schdulear: {factor: 1.5}", 1, 24, "lr_schdulear.factor must be in (0, 1], got 1.5")]
    [TestCase("data: {synthetic: {classes: 1}}", 1, 29, "data.synthetic.classes must be at least 2, got 1")]
    [TestCase("early_stopping: {patience: 0}\ndata: {validation_split: 0.1}", 1, 28, "early_stopping.patience must be at least 1, got 0")]
    [TestCase("feedback: {scale: -1}", 1, 19, "feedback.scale must be greater than 0, got -1")]
    [TestCase("seed: -3", 1, 7, "seed must be at least 0, got -3")]
    public void OutOfRange_IsReportedAtTheValue(string yaml, int line, int column, string problem)
    {
        AssertAt(Fail(yaml), line, column, problem);
    }

    [TestCase("backward_method: Backprop", "unknown value 'Backprop', expected one of DFA, BP, FA, feedback_alignment, HYBRID, MODULAR, HDFA, USF, BRSF, FRSF, KOLEN_POLLACK, KP, DRTP; did you mean 'BP'?")]
    [TestCase("backward_method: sign_symmetry", "did you mean 'USF'?")]
    [TestCase("sign_symmetry: {init: he}", "sign_symmetry.init: unknown value 'he', expected one of xavier, pytorch")]
    [TestCase("backward_method: DFAA", "did you mean 'DFA'?")]
    [TestCase("optimizer_algorithm: adamw", "backward_method")]
    [TestCase("model: {activation: relu6}", "model.activation: unknown value 'relu6', expected one of relu, tanh")]
    [TestCase("feedback: {init: xavier}", "did you mean 'xavier_uniform'?")]
    [TestCase("lr_schdulear: {kind: cosine}", "lr_schdulear.kind: unknown value 'cosine', expected one of step, constant")]
    public void UnknownEnumValue_ListsTheChoices(string yaml, string fragment)
    {
        var e = Fail(yaml);
        if (fragment == "backward_method")
        {
            AssertAt(e, 1, 22, "optimizer_algorithm: unknown value 'adamw', expected one of ADAM, SGD; did you mean 'ADAM'?");
            return;
        }

        Assert.That(e.Message, Does.Contain(fragment));
    }

    [TestCase("backward_method: dfa", TrainingAlgorithmKind.Dfa)]
    [TestCase("backward_method: Bp", TrainingAlgorithmKind.Bp)]
    [TestCase("backward_method: 'BP'", TrainingAlgorithmKind.Bp)]
    [TestCase("backward_method: FA", TrainingAlgorithmKind.Fa)]
    [TestCase("backward_method: fa", TrainingAlgorithmKind.Fa)]
    [TestCase("backward_method: feedback_alignment", TrainingAlgorithmKind.Fa)]
    [TestCase("backward_method: Feedback-Alignment", TrainingAlgorithmKind.Fa)]
    [TestCase("backward_method: usf", TrainingAlgorithmKind.Usf)]
    [TestCase("backward_method: brSF", TrainingAlgorithmKind.Brsf)]
    [TestCase("backward_method: frSF", TrainingAlgorithmKind.Frsf)]
    [TestCase("backward_method: KOLEN_POLLACK", TrainingAlgorithmKind.KolenPollack)]
    [TestCase("backward_method: Kolen-Pollack", TrainingAlgorithmKind.KolenPollack)]
    [TestCase("backward_method: kp", TrainingAlgorithmKind.KolenPollack)]
    [TestCase("backward_method: drtp", TrainingAlgorithmKind.Drtp)]
    public void BackwardMethod_IsCaseInsensitive(string yaml, TrainingAlgorithmKind expected)
    {
        Assert.That(ConfigLoader.Parse(yaml, File).Algorithm, Is.EqualTo(expected));
    }

    [TestCase("leaky_relu")]
    [TestCase("leakyrelu")]
    [TestCase("LeakyReLU")]
    [TestCase("LEAKY-RELU")]
    public void Activation_AcceptsLeakyReluSpellings(string spelling)
    {
        Assert.That(ConfigLoader.Parse($"model: {{activation: {spelling}}}", File).Model.Activation, Is.EqualTo(ActivationKind.LeakyRelu));
    }

    [Test]
    public void KolenPollackDecay_OutsideZeroToOne_IsAnErrorAtTheValue()
    {
        var e = Fail("backward_method: KP\nkolen_pollack:\n  decay: 1\n");
        Assert.That(e.Message, Does.StartWith("run.yaml:3:10: kolen_pollack.decay"));
        Assert.That(ConfigLoader.Parse("kolen_pollack: {decay: 0.5}", File).KolenPollack.Decay, Is.EqualTo(0.5));
    }

    [Test]
    public void ConfigException_IsADfaInputException()
    {
        Assert.That(Fail("lr: 0"), Is.InstanceOf<DfaInputException>());
    }

    [Test]
    public void BothNormalisations_AreAConflict_ReportedAtTheSecond()
    {
        AssertAt(Fail("use_BatchNorm1D: True\nuse_LayerNorm1D: True\n"), 2, 18, "use_BatchNorm1D and use_LayerNorm1D are both true");
    }

    [Test]
    public void EarlyStopping_WithoutValidationSplit_IsAConflict()
    {
        AssertAt(Fail("lr: 0.1\nearly_stopping: {patience: 3}\n"), 2, 1, "early_stopping needs a validation set");
        Assert.That(ConfigLoader.Parse("early_stopping: {patience: 3}\ndata: {validation_split: 0.1}", File).EarlyStopping,
            Is.EqualTo(new EarlyStoppingConfig { Patience = 3 }));
    }

    [Test]
    public void Nesterov_WithoutMomentum_IsAConflict()
    {
        AssertAt(Fail("sgd:\n  nesterov: true\n"), 2, 13, "sgd.nesterov needs sgd.momentum > 0");
        AssertAt(Fail("sgd: {momentum: 0.9, dampening: 0.1, nesterov: true}"), 1, 48, "sgd.nesterov needs sgd.dampening = 0, got 0.1");
    }

    [Test]
    public void BackendSection_ForAnotherBackend_IsAConflict_ReportedAtTheSection()
    {
        AssertAt(FailWith("feedback:\n  backend: plain\n  lamp: {bits: 8}\n"), 3, 3,
            "feedback.lamp configures the lamp backend, but feedback.backend is 'plain'");
        AssertAt(FailWith("feedback:\n  toy: {links: 2}\n"), 2, 3, "feedback.toy configures the toy backend");
        Assert.That(FailWith("feedback: {backend: toy, toy: {links: 2}}", "feedback.backend=lamp").Message,
            Does.Contain("feedback.toy configures the toy backend, but feedback.backend is 'lamp'"));
    }

    [Test]
    public void BackendSections_BindTheirKeys_AndAbsentSectionsAreNull()
    {
        var toy = ConfigLoader.Parse("feedback: {backend: toy, toy: {links: 3, rank: 5}}", File, null, ToySections.Schema).Feedback;
        Assert.That(toy.Options<ToySections.ToyOptions>(), Is.EqualTo(new ToySections.ToyOptions { Links = 3, Rank = 5 }));
        Assert.That(toy.Options<ToySections.LampOptions>(), Is.Null);
        var lamp = ConfigLoader.Parse("feedback: {backend: lamp, lamp: {}}", File, null, ToySections.Schema).Feedback;
        Assert.That(lamp.Options<ToySections.LampOptions>(), Is.EqualTo(new ToySections.LampOptions()));
        Assert.That(ConfigLoader.Parse("feedback: {backend: lamp}", File, null, ToySections.Schema).Feedback.Options<ToySections.LampOptions>(), Is.Null);
        Assert.That(ConfigLoader.Parse("lr: 0.1", File, null, ToySections.Schema).Feedback.Backend, Is.EqualTo("plain"));
    }

    [Test]
    public void BackendSection_UnknownToTheLoader_IsAnUnknownKey()
    {
        AssertAt(Fail("feedback: {backend: toy, toy: {links: 2}}"), 1, 26, "unknown key 'toy' in 'feedback'");
    }

    [Test]
    public void BackendSectionCheck_PointsAtTheFirstKeyItNames()
    {
        AssertAt(FailWith("feedback: {backend: toy, toy: {links: 4, rank: 3}}"), 1, 39,
            "feedback.toy.links (4) cannot exceed feedback.toy.rank (3)");
        AssertAt(FailWith("feedback: {backend: toy, toy: {rank: 3}}", "feedback.toy.links=4"), 1, 20, "cannot exceed feedback.toy.rank (3)");
    }

    [TestCase("feedback: {backend: lamp, lamp: {bits: 17}}", "feedback.lamp.bits must be at most 16, got 17")]
    [TestCase("feedback: {backend: lamp, lamp: {threshold: 1}}", "feedback.lamp.threshold must be in [0, 1), got 1")]
    [TestCase("feedback: {backend: toy, toy: {links: 0}}", "feedback.toy.links must be at least 1, got 0")]
    [TestCase("feedback: {backend: toy, toy: {linkz: 2}}", "unknown key 'linkz' in 'feedback.toy'; did you mean 'links'?")]
    [TestCase("feedback: {backend: toy, toy: [1]}", "feedback.toy: expected a mapping of keys (links, rank) or null, got a list")]
    [TestCase("feedback: {backend: toy, bits: 3}", "unknown key 'bits' in 'feedback'; 'bits' belongs at 'feedback.lamp.bits'")]
    public void BackendSectionValues_AreCheckedLikeEveryOtherKey(string yaml, string problem)
    {
        Assert.That(FailWith(yaml).Problem, Is.EqualTo(problem));
    }

    [TestCase("")]
    [TestCase("   \n\n")]
    [TestCase("# only a comment\n")]
    [TestCase("---\n")]
    [TestCase("~")]
    public void EmptyDocument_IsRejected(string yaml)
    {
        AssertAt(Fail(yaml), 1, 1, "the config is empty");
    }

    [TestCase("- lr\n- 0.1\n", "got a list")]
    [TestCase("hello", "got 'hello'")]
    [TestCase("'lr: 0.1'", "got the quoted string")]
    public void NonMappingRoot_IsRejected(string yaml, string fragment)
    {
        var e = Fail(yaml);
        AssertAt(e, 1, 1, "the config must be a mapping of keys to values");
        Assert.That(e.Problem, Does.Contain(fragment));
    }

    [Test]
    public void Alias_IsRejectedAtItsPosition()
    {
        AssertAt(Fail("seed: &s 3\ndata: {synthetic: {seed: *s}}\n"), 2, 26, "YAML aliases ('*s') are not supported");
    }

    [Test]
    public void AliasBomb_IsRejectedAtItsFirstAlias_WithoutExpandingIt()
    {
        var b = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++)
        {
            var prev = (char)('a' + i - 1);
            b.Append($"{(char)('a' + i)}: &{(char)('a' + i)} [{string.Join(",", Enumerable.Repeat("*" + prev, 9))}]\n");
        }

        // 9^10 strings if expanded; the loader stops at the first alias it meets (line 2), so nothing is expanded.
        AssertAt(Fail(b.ToString()), 2, 8, "YAML aliases ('*a') are not supported");
    }

    [Test]
    public void Tag_IsRejected()
    {
        AssertAt(Fail("lr: !!float 1"), 1, 5, "YAML tags ('tag:yaml.org,2002:float') are not supported");
    }

    [Test]
    public void ComplexKey_IsRejected()
    {
        AssertAt(Fail("? [a, b]\n: 1\n"), 1, 3, "a key must be a plain name, got a list");
    }

    [Test]
    public void SecondDocument_IsRejected()
    {
        AssertAt(Fail("lr: 0.1\n---\nlr: 0.2\n"), 2, 1, "one YAML document");
    }

    [Test]
    public void DeepNesting_IsCapped()
    {
        var yaml = "model: " + string.Concat(Enumerable.Repeat("[", 40)) + string.Concat(Enumerable.Repeat("]", 40));
        var e = Fail(yaml);
        Assert.That(e.Problem, Is.EqualTo($"nesting is deeper than {ConfigLoader.MaxDepth} levels"));
        Assert.That((e.Line, e.Column), Is.EqualTo((1, 8 + ConfigLoader.MaxDepth)));
    }

    [Test]
    public void OversizedText_IsRejected()
    {
        var e = Fail("lr: 0.1\n" + new string('#', ConfigLoader.MaxConfigBytes));
        AssertAt(e, 1, 1, "the limit is 1048576 (1 MiB)");
    }

    [Test]
    public void OversizedFile_IsRejectedWithoutReadingItAll()
    {
        var path = TempFile(Encoding.ASCII.GetBytes("lr: 0.1\n" + new string('#', 3 * ConfigLoader.MaxConfigBytes)));
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;
        Assert.That(e.Message, Is.EqualTo($"{path}:1:1: the config is larger than 1048576 bytes (1 MiB)"));
    }

    [TestCase("lr: [0.1, 0.2\nepochs: 3\n")]
    [TestCase("lr: 0.1\n  epochs: 3\n")]
    [TestCase("lr: 'abc\n")]
    [TestCase("lr_schdulear: {\n    gamma: 0.1\n    step_size: 2\n")]
    [TestCase("lr: 0.1\nlr_schdulear: {gamma: 0.1]\n")]
    [TestCase("lr: @x\n")]
    public void MalformedYaml_IsOneLineWithAPosition(string yaml)
    {
        var e = Fail(yaml);
        Assert.That(e.Problem, Does.StartWith("malformed YAML: "));
        Assert.That(e.Message, Does.Not.Contain('\n').And.Not.Contain('\r'));
        Assert.That(e.Message, Does.StartWith($"{File}:{e.Line}:{e.Column}: malformed YAML: "));
        Assert.That(e.Line, Is.GreaterThanOrEqualTo(1));
        Assert.That(e.Column, Is.GreaterThanOrEqualTo(1));
        TestContext.Out.WriteLine(e.Message);
    }

    [TestCase("lr: 'abc\n", 1, 5, "malformed YAML: while scanning a quoted scalar, found unexpected end of stream")]
    [TestCase("lr: @x\n", 1, 5, "malformed YAML: while scanning for the next token, found character that cannot start any token")]
    [TestCase("lr: 0.1\n  epochs: 3\n", 2, 9, "malformed YAML: while scanning a plain scalar value, found invalid mapping")]
    [TestCase("lr_schdulear: {\n    gamma: 0.1\n    step_size: 2\n", 3, 14, "malformed YAML: while parsing a flow mapping, did not find expected ',' or '}'")]
    [TestCase("lr: 0.1\nepochs: 3\nbatch_size: [1, 2\nseed: 4\n", 4, 1, "malformed YAML: the text here cannot be parsed (an unclosed '[' or '{' before it?)")]
    public void MalformedYaml_PointsAtTheBadToken(string yaml, int line, int column, string problem)
    {
        var e = Fail(yaml);
        AssertAt(e, line, column, problem);
        Assert.That(e.Problem, Is.EqualTo(problem));
    }

    [Test]
    public void InvalidUtf8_IsReportedAtTheByte()
    {
        var bytes = Encoding.ASCII.GetBytes("lr: 0.1\nbatch_size: ?\n");
        bytes[^2] = 0xFF;
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseBytes(bytes, File, null))!;
        AssertAt(e, 2, 13, "invalid UTF-8 byte 0xFF; a config must be UTF-8 text");

        var path = TempFile(bytes);
        var fromFile = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path))!;
        Assert.That(fromFile.Message, Is.EqualTo($"{path}:2:13: invalid UTF-8 byte 0xFF; a config must be UTF-8 text"));
    }

    [Test]
    public void BinaryInput_IsReportedAsAControlCharacter()
    {
        AssertAt(Fail("lr: 0.1\nepochs: 3\0\n"), 2, 10, "control character U+0000 is not allowed");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.ParseBytes([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01], File, null))!;
        AssertAt(e, 1, 1, "control character U+007F");
    }

    [Test]
    public void MissingFile_NamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "dfa-no-such-" + Guid.NewGuid().ToString("N") + ".yaml");
        var e = Assert.Throws<DfaInputException>(() => ConfigLoader.Load(path))!;
        Assert.That(e.Message, Is.EqualTo($"{path}: config file not found"));
    }

    [Test]
    public void Directory_IsNotAConfigFile()
    {
        var e = Assert.Throws<DfaInputException>(() => ConfigLoader.Load(Path.GetTempPath()))!;
        Assert.That(e.Message, Does.EndWith("is a directory, not a config file"));
    }

    private static ConfigException FailWith(string yaml, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, File, overrides, ToySections.Schema))!;

    private static ConfigException Fail(string yaml, params string[] overrides)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, File, overrides))!;
        Assert.That(e.Message, Does.Not.Contain('\n'));
        return e;
    }

    internal static void AssertAt(ConfigException e, int line, int column, string problemFragment)
    {
        Assert.Multiple(() =>
        {
            Assert.That(e.Problem, Does.Contain(problemFragment), e.Message);
            Assert.That((e.Line, e.Column), Is.EqualTo((line, column)), e.Message);
            Assert.That(e.Message, Is.EqualTo(e.IsOverride ? $"{e.File}: {e.Problem}" : $"{e.File}:{line}:{column}: {e.Problem}"));
        });
    }

    private readonly List<string> _tempFiles = [];

    [TearDown]
    public void DeleteTempFiles()
    {
        foreach (var path in _tempFiles)
        {
            System.IO.File.Delete(path);
        }

        _tempFiles.Clear();
    }

    private string TempFile(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), "dfa-config-" + Guid.NewGuid().ToString("N") + ".yaml");
        System.IO.File.WriteAllBytes(path, bytes);
        _tempFiles.Add(path);
        return path;
    }
}
