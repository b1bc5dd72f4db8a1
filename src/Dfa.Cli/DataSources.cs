using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Randomness;

namespace Dfa.Cli;

/// <summary>Loads the train, validation and test sets a config asks for, fetching MNIST when it is missing.</summary>
internal static class DataSources
{
    public static (Dataset Train, Dataset? Validation, Dataset Test) Load(TrainConfig config, string? dataFolder, Action<string> log)
    {
        Dataset train, test;
        if (config.Data.Dataset == DatasetKind.Mnist)
        {
            var store = new MnistStore(log: log);
            string folder = store.Ensure(dataFolder ?? config.Data.Path);
            (train, test) = MnistLoader.Load(folder, config.Data.Normalize);
        }
        else
        {
            (train, test) = SyntheticTeacher.Generate(config.Data.Synthetic);
        }

        if (config.Data.ValidationSplit > 0)
        {
            (Dataset kept, Dataset validation) = DataSplit.HoldOut(train, config.Data.ValidationSplit, Rng.Derive(config.Seed, "validation-split"));
            return (kept, validation, test);
        }

        return (train, null, test);
    }
}
