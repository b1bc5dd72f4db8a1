using Dfa.Core.Data;
using Dfa.Core.Randomness;
using Dfa.Testing;
using Dfa.Testing.Fuzzing;

namespace Dfa.Core.Tests.Data;

/// <summary>
/// Hostile IDX files: thousands of MNIST folders in which one file is a mutation of a valid image or label file
/// (header words replaced by 0, −1, int.MaxValue, limits ± 1; magic changed; payload cut or grown; random bytes), read
/// through <see cref="MnistLoader.Load"/> (which reads each file with <see cref="IdxReader"/>). Each folder must load or
/// fail with one clean <see cref="DfaInputException"/> line, in bounded time and memory.
/// </summary>
[Category("Fuzz")]
public sealed class IdxFuzzTests
{
    private static readonly string[] Roles = [MnistLoader.TrainImages, MnistLoader.TrainLabels, MnistLoader.TestImages, MnistLoader.TestLabels];

    [Test]
    public void MutatedIdxFolders_LoadOrFailWithOneCleanLine()
    {
        var settings = FuzzSettings.FromEnvironment();
        byte[][] valid = [IdxTestFiles.Images(6), IdxTestFiles.Labels(6), IdxTestFiles.Images(4), IdxTestFiles.Labels(4)];
        var corpus = Roles.Select((name, i) => new FuzzSeed(name, valid[i])).ToArray();
        var mutator = new Mutator(settings.Seed, corpus, InputKind.Idx);
        using var temp = new TempFolder();
        for (int i = 0; i < Roles.Length; i++)
        {
            File.WriteAllBytes(temp.Combine(Roles[i]), valid[i]);
        }

        int lastRole = -1;
        var report = FuzzHarness.Run("idx", settings, mutator.Generate, input =>
        {
            // Usually the mutated file takes its own role; one case in eight puts it in another file's place.
            var rng = Rng.Derive(settings.Seed, $"role {input.Index}");
            int role = rng.NextInt(8) == 0 ? rng.NextInt(Roles.Length) : Array.IndexOf(Roles, input.SeedName);
            if (lastRole >= 0 && lastRole != role)
            {
                File.WriteAllBytes(temp.Combine(Roles[lastRole]), valid[lastRole]);
            }

            File.WriteAllBytes(temp.Combine(Roles[role]), input.Bytes);
            lastRole = role;

            _ = MnistLoader.Load(temp.Path, normalize: input.Index % 2 == 0);
        });
        report.AssertClean();
        Assert.That(report.Succeeded, Is.GreaterThan(0));
    }
}
