using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Optim;

namespace Dfa.Core.Tests.Optim;

public sealed class OptimizersTests
{
    [Test]
    public void Create_Adam_UsesAdamSectionLearningRateAndWeightDecay()
    {
        List<Parameter> ps = OptimTestData.Parameters(1, 3);
        var config = new TrainConfig
        {
            Optimizer = OptimizerKind.Adam,
            LearningRate = 2e-3,
            WeightDecay = 1e-4,
            Adam = new AdamConfig { Beta1 = 0.8, Beta2 = 0.99, Eps = 1e-6 },
        };

        var adam = (Adam)Optimizers.Create(config, ps);

        Assert.Multiple(() =>
        {
            Assert.That(adam.LearningRate, Is.EqualTo(2e-3));
            Assert.That(adam.Beta1, Is.EqualTo(0.8));
            Assert.That(adam.Beta2, Is.EqualTo(0.99));
            Assert.That(adam.Eps, Is.EqualTo(1e-6));
            Assert.That(adam.WeightDecay, Is.EqualTo(1e-4));
            Assert.That(adam.Parameters, Is.EqualTo(ps));
        });
    }

    [Test]
    public void Create_Sgd_UsesSgdSectionLearningRateAndWeightDecay()
    {
        List<Parameter> ps = OptimTestData.Parameters(1, 3);
        var config = new TrainConfig
        {
            Optimizer = OptimizerKind.Sgd,
            LearningRate = 0.1,
            WeightDecay = 5e-4,
            Sgd = new SgdConfig { Momentum = 0.9, Nesterov = true },
        };

        var sgd = (Sgd)Optimizers.Create(config, ps);

        Assert.Multiple(() =>
        {
            Assert.That(sgd.LearningRate, Is.EqualTo(0.1));
            Assert.That(sgd.Momentum, Is.EqualTo(0.9));
            Assert.That(sgd.Dampening, Is.Zero);
            Assert.That(sgd.Nesterov, Is.True);
            Assert.That(sgd.WeightDecay, Is.EqualTo(5e-4));
        });
    }

    [Test]
    public void Create_RejectsInvalidSettings()
    {
        List<Parameter> ps = OptimTestData.Parameters(1, 3);
        Assert.Multiple(() =>
        {
            Assert.That(
                () => Optimizers.Create(new TrainConfig { Optimizer = OptimizerKind.Sgd, Sgd = new SgdConfig { Nesterov = true } }, ps),
                Throws.ArgumentException);
            Assert.That(() => Optimizers.Create(new TrainConfig { Adam = new AdamConfig { Beta2 = 1.0 } }, ps), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => Optimizers.Create(new TrainConfig { Optimizer = (OptimizerKind)7 }, ps), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => Optimizers.Create(null!, ps), Throws.ArgumentNullException);
        });
    }
}
