using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;
using Dfa.Core.Training;
using Dfa.Testing;

namespace Dfa.Core.Tests.Training;

public sealed class TrainerTests
{
    private static readonly Dataset Train = TestData.Blobs(600, 20, 5, seed: 1);
    private static readonly Dataset Test = TestData.Blobs(200, 20, 5, seed: 1, sampleSeed: 2);

    private static TrainConfig Config(TrainingAlgorithmKind algorithm, int threads = 1) => new()
    {
        Algorithm = algorithm,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 1e-3,
        BatchSize = 32,
        Epochs = 6,
        Threads = threads,
        Seed = 42,
        Model = new ModelConfig { Hidden = [64, 64], Activation = ActivationKind.Tanh },
    };

    private static Trainer Build(TrainConfig config, int hidden = 64) => Build(config, Optimizers.Create, hidden);

    private static Trainer Build(TrainConfig config, Func<TrainConfig, IReadOnlyList<Dfa.Core.Layers.Parameter>, IOptimizer> optimizer, int hidden = 64)
    {
        Network network = NetworkBuilder.Build(config, Train.Features, Train.Classes, config.Seed);
        ITrainingAlgorithm algorithm = config.Algorithm == TrainingAlgorithmKind.Bp
            ? new Backpropagation()
            : new DirectFeedbackAlignment(MatrixProjector.Gaussian(new FeedbackShape(Train.Classes, [hidden, hidden]), config.Seed));
        return new Trainer(network, algorithm, optimizer(config, network.Parameters),
            LearningRateSchedules.Create(config.LearningRate, config.LrScheduler), config);
    }

    [TestCase(TrainingAlgorithmKind.Bp)]
    [TestCase(TrainingAlgorithmKind.Dfa)]
    public void Run_LearnsASeparableProblem(TrainingAlgorithmKind algorithm)
    {
        TrainingResult result = Build(Config(algorithm)).Run(Train, null, Test);

        Assert.That(result.Epochs, Has.Count.EqualTo(6));
        Assert.That(result.Last.TrainLoss, Is.LessThan(result.Epochs[0].TrainLoss * 0.5));
        Assert.That(result.Last.TestAccuracy, Is.GreaterThan(0.9));
        Assert.That(result.Steps, Is.EqualTo(6 * 19));
    }

    [TestCase(1)]
    [TestCase(2)]
    public void Run_IsBitIdenticalForTheSameSeedAndThreads(int threads)
    {
        Trainer a = Build(Config(TrainingAlgorithmKind.Dfa, threads));
        Trainer b = Build(Config(TrainingAlgorithmKind.Dfa, threads));

        TrainingResult ra = a.Run(Train, null, Test);
        TrainingResult rb = b.Run(Train, null, Test);

        Assert.That(rb.Epochs.Select(e => e.TrainLoss), Is.EqualTo(ra.Epochs.Select(e => e.TrainLoss)));
        Assert.That(rb.Epochs.Select(e => e.TestLoss), Is.EqualTo(ra.Epochs.Select(e => e.TestLoss)));
        for (int i = 0; i < a.Network.Parameters.Count; i++)
        {
            Assert.That(b.Network.Parameters[i].Value.Data, Is.EqualTo(a.Network.Parameters[i].Value.Data));
        }
    }

    [TestCase(TrainingAlgorithmKind.Bp)]
    [TestCase(TrainingAlgorithmKind.Dfa)]
    public void Run_ResultsDoNotDependOnTheThreadCount(TrainingAlgorithmKind algorithm)
    {
        // Stronger than required: every kernel partitions work without changing summation order. Batch 128 and
        // width 256 put the training GEMMs above the size where Gemm starts splitting work across threads.
        TrainConfig Wide(int threads) => Config(algorithm, threads) with
        {
            BatchSize = 128,
            Epochs = 2,
            Model = new ModelConfig { Hidden = [256, 256], Activation = ActivationKind.Tanh },
        };
        Trainer a = Build(Wide(1), hidden: 256);
        Trainer b = Build(Wide(2), hidden: 256);

        TrainingResult one = a.Run(Train, null, Test);
        TrainingResult two = b.Run(Train, null, Test);

        Assert.That(two.Epochs.Select(e => (e.TrainLoss, e.TestLoss)), Is.EqualTo(one.Epochs.Select(e => (e.TrainLoss, e.TestLoss))));
        for (int i = 0; i < a.Network.Parameters.Count; i++)
        {
            Assert.That(b.Network.Parameters[i].Value.Data, Is.EqualTo(a.Network.Parameters[i].Value.Data));
        }
    }

    [Test]
    public void Run_WithABatchLargerThanTheDataset_TakesOneStepPerEpoch()
    {
        TrainConfig config = Config(TrainingAlgorithmKind.Bp) with { BatchSize = int.MaxValue, Epochs = 2 };

        TrainingResult result = Build(config).Run(Train, null, Test);

        Assert.That(result.Steps, Is.EqualTo(2));
        Assert.That(result.Last.TrainLoss, Is.GreaterThan(0));
    }

    [Test]
    public void Run_StopsEarlyWhenValidationLossStallsAndReportsTheBestEpoch()
    {
        TrainConfig config = Config(TrainingAlgorithmKind.Bp) with
        {
            Epochs = 200,
            LearningRate = 1e-2,
            // Blobs are separable, so the validation loss keeps creeping down; a min_delta makes "stalled" reachable.
            EarlyStopping = new EarlyStoppingConfig { Patience = 2, MinDelta = 0.01 },
        };
        Dataset validation = TestData.Blobs(100, 20, 5, seed: 1, sampleSeed: 3);

        TrainingResult result = Build(config).Run(Train, validation, Test);

        Assert.That(result.StoppedEarly, Is.True);
        Assert.That(result.Epochs.Count, Is.LessThan(200));
        Assert.That(result.BestEpoch, Is.EqualTo(result.Epochs.Count - 2));
        double bestLoss = result.Epochs[result.BestEpoch!.Value - 1].ValidationLoss!.Value;
        Assert.That(result.Epochs.Skip(result.BestEpoch.Value).Select(e => e.ValidationLoss!.Value), Is.All.GreaterThanOrEqualTo(bestLoss - 0.01));
    }

    [Test]
    public void Run_AppliesTheStepSchedulePerEpoch()
    {
        TrainConfig config = Config(TrainingAlgorithmKind.Dfa) with
        {
            Epochs = 5,
            LrScheduler = new LrSchedulerConfig { Enabled = true, StepSize = 2, Gamma = 0.1 },
        };

        TrainingResult result = Build(config).Run(Train, null, Test);

        Assert.That(result.Epochs.Select(e => e.LearningRate), Is.EqualTo(new[] { 1e-3, 1e-3, 1e-4, 1e-4, 1e-5 }).Within(1e-15));
    }

    [Test]
    public void Run_IncludesTheL1PenaltyInTheReportedLoss()
    {
        TrainConfig plain = Config(TrainingAlgorithmKind.Bp) with { Epochs = 1, LearningRate = 1e-12 };
        TrainConfig penalised = plain with { L1Lambda = 1e-3 };

        double lossPlain = Build(plain).Run(Train, null, Test).Last.TrainLoss;
        Trainer t = Build(penalised);
        double lossPenalised = t.Run(Train, null, Test).Last.TrainLoss;

        // With a negligible learning rate the weights stay put, so the gap is the penalty itself.
        double penalty = Regularization.Penalty(t.Network.Parameters, 1e-3, 0);
        Assert.That(lossPenalised - lossPlain, Is.EqualTo(penalty).Within(penalty * 1e-3));
    }

    [Test]
    public void Run_StopsWithAClearErrorWhenTheLossDiverges()
    {
        TrainConfig config = Config(TrainingAlgorithmKind.Bp) with
        {
            Optimizer = OptimizerKind.Sgd,
            LearningRate = 1e4,
            Epochs = 3,
            Model = new ModelConfig { Hidden = [64, 64], Activation = ActivationKind.Relu },
        };

        IStatefulOptimizer? sgd = null;
        Trainer trainer = Build(config, (c, ps) => sgd = Optimizers.Create(c, ps));

        Assert.That(() => trainer.Run(Train, null, Test),
            Throws.InstanceOf<TrainingDivergedException>().With.Message.StartsWith("training diverged at epoch 1, step"));
        Assert.That(trainer.Steps, Is.EqualTo(sgd!.StepCount), "the diverging step is not counted as taken");
    }
}
