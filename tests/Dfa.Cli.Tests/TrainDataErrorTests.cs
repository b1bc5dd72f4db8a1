using Dfa.Testing;

namespace Dfa.Cli.Tests;

/// <summary>Bad or missing MNIST data through the whole command: one clear line, exit code 2, no run folder.</summary>
[NonParallelizable]
public sealed class TrainDataErrorTests
{
    private const string MnistConfig = """
        batch_size: 8
        epochs: 1
        lr: 1e-3
        backward_method: BP
        model: {hidden: [16]}
        data: {dataset: mnist}
        threads: 1
        """;

    [Test]
    public void TinyMnist_TrainsEndToEnd()
    {
        using var temp = new TempFolder();
        TinyMnist.Write(temp.Combine("mnist"));

        CliResult result = Run(temp, temp.Combine("mnist"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(File.Exists(temp.Combine("run", "summary.json")));
    }

    [Test]
    public void MissingData_WithoutNpm_SaysSoAndExits2()
    {
        using var temp = new TempFolder();
        string? saved = Environment.GetEnvironmentVariable("DFA_NPM");
        Environment.SetEnvironmentVariable("DFA_NPM", temp.Combine("no-such-npm"));
        try
        {
            CliResult result = Run(temp, temp.Combine("empty"));

            AssertBadInput(result, temp, "npm");
        }
        finally
        {
            Environment.SetEnvironmentVariable("DFA_NPM", saved);
        }
    }

    [Test]
    public void TruncatedImages_Exits2()
    {
        using var temp = new TempFolder();
        string folder = temp.Combine("mnist");
        TinyMnist.Write(folder);
        string images = Path.Combine(folder, TinyMnist.TrainImages);
        byte[] bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..(bytes.Length - 100)]);

        AssertBadInput(Run(temp, folder), temp, TinyMnist.TrainImages, "truncated");
    }

    [Test]
    public void WrongMagic_Exits2()
    {
        using var temp = new TempFolder();
        string folder = temp.Combine("mnist");
        TinyMnist.Write(folder);
        TinyMnist.WriteImages(Path.Combine(folder, TinyMnist.TestImages), 20, seed: 2, magic: 0x00000801);

        AssertBadInput(Run(temp, folder), temp, TinyMnist.TestImages, "magic");
    }

    [Test]
    public void LabelCountMismatch_Exits2()
    {
        using var temp = new TempFolder();
        string folder = temp.Combine("mnist");
        TinyMnist.Write(folder);
        TinyMnist.WriteLabels(Path.Combine(folder, TinyMnist.TrainLabels), 39);

        AssertBadInput(Run(temp, folder), temp, "40", "39");
    }

    private static CliResult Run(TempFolder temp, string dataFolder)
    {
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, MnistConfig);
        return CliRunner.Run("train", "--config", config, "--data", dataFolder, "--out", temp.Combine("run"));
    }

    private static void AssertBadInput(CliResult result, TempFolder temp, params string[] expected)
    {
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.Error);
        foreach (string text in expected)
        {
            Assert.That(result.ErrorLines[0], Does.Contain(text));
        }

        Assert.That(Directory.Exists(temp.Combine("run")), Is.False, "no run folder is left behind");
    }
}
