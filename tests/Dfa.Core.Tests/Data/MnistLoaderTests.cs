using Dfa.Core.Data;
using Dfa.Testing;

namespace Dfa.Core.Tests.Data;

public sealed class MnistLoaderTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Load_WithoutNormalize_ScalesPixelsBy255()
    {
        IdxTestFiles.WriteMnist(_temp.Path, train: 6, test: 4);

        (Dataset train, Dataset test) = MnistLoader.Load(_temp.Path, normalize: false);

        byte[] pixels = IdxTestFiles.Images(6)[16..];
        Assert.Multiple(() =>
        {
            Assert.That((train.Name, train.Count, train.Features, train.Classes), Is.EqualTo(("mnist-train", 6, 784, 10)));
            Assert.That((test.Name, test.Count, test.Features, test.Classes), Is.EqualTo(("mnist-test", 4, 784, 10)));
            Assert.That(train.Inputs, Is.EqualTo(pixels.Select(p => p / 255f).ToArray()));
            Assert.That(train.Labels, Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5 }));
            Assert.That(test.Labels, Is.EqualTo(new[] { 0, 1, 2, 3 }));
        });
    }

    [Test]
    public void Load_WithNormalize_StandardisesWithTrainingStatistics()
    {
        IdxTestFiles.WriteMnist(_temp.Path, train: 6, test: 4);
        (Dataset raw, Dataset rawTest) = MnistLoader.Load(_temp.Path, normalize: false);

        (Dataset train, Dataset test) = MnistLoader.Load(_temp.Path, normalize: true);

        double mean = raw.Inputs.Average(v => (double)v);
        double std = Math.Sqrt(raw.Inputs.Average(v => (v - mean) * (v - mean)));
        double normalizedMean = train.Inputs.Average(v => (double)v);
        double normalizedStd = Math.Sqrt(train.Inputs.Average(v => (v - normalizedMean) * (v - normalizedMean)));
        Assert.Multiple(() =>
        {
            Assert.That(normalizedMean, Is.EqualTo(0).Within(1e-5));
            Assert.That(normalizedStd, Is.EqualTo(1).Within(1e-5));
            for (int i = 0; i < test.Inputs.Length; i += 97)
            {
                Assert.That(test.Inputs[i], Is.EqualTo((rawTest.Inputs[i] - mean) / std).Within(1e-5), "test uses the train statistics");
            }
        });
    }

    [Test]
    public void Load_CountMismatch_NamesBothCounts()
    {
        IdxTestFiles.WriteMnist(_temp.Path, train: 6, test: 4);
        File.WriteAllBytes(_temp.Combine("train-labels-idx1-ubyte"), IdxTestFiles.Labels(5));

        IdxReaderTests.AssertInputError(
            () => MnistLoader.Load(_temp.Path, normalize: false),
            "train-labels-idx1-ubyte",
            "labels/images count mismatch: 6 images",
            "5 labels");
    }

    [Test]
    public void Load_ImagesNot28By28_IsReported()
    {
        IdxTestFiles.WriteMnist(_temp.Path);
        File.WriteAllBytes(_temp.Combine("t10k-images-idx3-ubyte"), IdxTestFiles.Images(4, 32, 32));

        IdxReaderTests.AssertInputError(() => MnistLoader.Load(_temp.Path, normalize: false), "t10k-images-idx3-ubyte", "32×32");
    }

    [Test]
    public void Load_MissingFile_NamesIt()
    {
        IdxTestFiles.WriteMnist(_temp.Path);
        File.Delete(_temp.Combine("t10k-labels-idx1-ubyte"));

        IdxReaderTests.AssertInputError(() => MnistLoader.Load(_temp.Path, normalize: false), "t10k-labels-idx1-ubyte", "file not found");
    }

    [Test]
    public void Load_MissingFolder_IsReported()
    {
        string folder = _temp.Combine("absent");
        IdxReaderTests.AssertInputError(() => MnistLoader.Load(folder, normalize: false), "absent", "does not exist");
    }
}
