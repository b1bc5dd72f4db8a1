using Dfa.Core.Data;
using Dfa.Testing;

namespace Dfa.Core.Tests.Data;

public sealed class IdxReaderTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void ReadImages_ValidFile_RoundTripsShapeAndPixels()
    {
        byte[] bytes = IdxTestFiles.Images(5);
        string path = Write("train-images-idx3-ubyte", bytes);

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Multiple(() =>
        {
            Assert.That((images.Count, images.Rows, images.Cols, images.PixelsPerImage), Is.EqualTo((5, 28, 28, 784)));
            Assert.That(images.Pixels, Is.EqualTo(bytes[16..]));
        });
    }

    [Test]
    public void ReadLabels_ValidFile_RoundTrips()
    {
        string path = Write("train-labels-idx1-ubyte", IdxTestFiles.Labels(13));

        byte[] labels = IdxReader.ReadLabels(path);

        Assert.That(labels, Is.EqualTo(Enumerable.Range(0, 13).Select(i => (byte)(i % 10)).ToArray()));
    }

    [Test]
    public void ReadImages_WrongMagic_NamesFileAndMagic()
    {
        byte[] bytes = IdxTestFiles.Images(2);
        bytes[2] = 0x0D; // float payload
        AssertInputError(() => IdxReader.ReadImages(Write("imgs", bytes)), "imgs", "bad magic 0x00000D03", "type code 0x0D");
    }

    [Test]
    public void ReadImages_GzippedFile_SaysDecompressFirst()
    {
        byte[] bytes = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0];
        AssertInputError(() => IdxReader.ReadImages(Write("train-images-idx3-ubyte.gz", bytes)), "train-images-idx3-ubyte.gz", "gzip");
    }

    [Test]
    public void ReadImages_LabelFile_ReportsWrongDimensionCount()
    {
        string path = Write("t10k-labels-idx1-ubyte", IdxTestFiles.Labels(3));
        AssertInputError(() => IdxReader.ReadImages(path), "t10k-labels-idx1-ubyte", "expected 0x00000803", "1 dimensions, images have 3");
    }

    [Test]
    public void ReadLabels_ImageFile_ReportsWrongDimensionCount()
    {
        string path = Write("t10k-images-idx3-ubyte", IdxTestFiles.Images(1));
        AssertInputError(() => IdxReader.ReadLabels(path), "t10k-images-idx3-ubyte", "expected 0x00000801", "3 dimensions, labels have 1");
    }

    [Test]
    public void ReadImages_TruncatedPixels_ReportsExpectedAndActualBytes()
    {
        byte[] bytes = IdxTestFiles.Images(5)[..(16 + 1234)];
        AssertInputError(
            () => IdxReader.ReadImages(Write("train-images-idx3-ubyte", bytes)),
            "train-images-idx3-ubyte",
            "truncated: header says 5×28×28 = 3920 bytes of pixels, file has 1234 after the header");
    }

    [Test]
    public void ReadImages_TruncatedHeader_IsReported()
    {
        byte[] bytes = IdxTestFiles.Images(1)[..10];
        AssertInputError(() => IdxReader.ReadImages(Write("short", bytes)), "short", "truncated header");
    }

    [Test]
    public void ReadImages_EmptyFile_IsReported()
    {
        AssertInputError(() => IdxReader.ReadImages(Write("empty", [])), "empty", "too short for an IDX header");
    }

    [Test]
    public void ReadImages_TrailingBytes_AreAnError()
    {
        byte[] bytes = [.. IdxTestFiles.Images(2), 0, 0, 0];
        AssertInputError(() => IdxReader.ReadImages(Write("imgs", bytes)), "imgs", "trailing bytes", "1568 bytes of pixels, file has 1571");
    }

    [Test]
    public void ReadLabels_TrailingBytes_AreAnError()
    {
        byte[] bytes = [.. IdxTestFiles.Labels(4), 7];
        AssertInputError(() => IdxReader.ReadLabels(Write("labs", bytes)), "labs", "trailing bytes", "4 bytes of labels, file has 5");
    }

    [TestCase(0, 28, 28, "image count (dimension 0) is 0")]
    [TestCase(-5, 28, 28, "image count (dimension 0) is -5")]
    [TestCase(3, 0, 28, "rows (dimension 1) is 0")]
    [TestCase(3, 28, -1, "cols (dimension 2) is -1")]
    [TestCase(IdxReader.MaxItems + 1, 28, 28, "above the limit of 10000000")]
    [TestCase(3, 4097, 28, "rows (dimension 1) is 4097, above the limit of 4096")]
    [TestCase(3, 28, int.MaxValue, "above the limit of 4096")]
    public void ReadImages_BadDimension_IsReported(int count, int rows, int cols, string expected)
    {
        byte[] bytes = IdxTestFiles.Header(0x00000803, count, rows, cols);
        AssertInputError(() => IdxReader.ReadImages(Write("dims", bytes)), "dims", expected);
    }

    [Test]
    public void ReadLabels_NegativeCount_IsReported()
    {
        byte[] bytes = IdxTestFiles.Header(0x00000801, -1);
        AssertInputError(() => IdxReader.ReadLabels(Write("labs", bytes)), "labs", "label count (dimension 0) is -1");
    }

    [Test]
    public void ReadLabels_LabelOutOfRange_NamesIndexAndValue()
    {
        byte[] bytes = IdxTestFiles.Labels(5);
        bytes[8 + 3] = 12;
        AssertInputError(() => IdxReader.ReadLabels(Write("train-labels-idx1-ubyte", bytes)), "train-labels-idx1-ubyte", "label 12 at index 3 is outside 0..9");
    }

    [Test]
    public void ReadImages_MissingFile_SaysNotFound()
    {
        AssertInputError(() => IdxReader.ReadImages(_temp.Combine("nope")), "nope", "file not found");
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _temp.Combine(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    internal static void AssertInputError(TestDelegate action, string fileName, params string[] fragments)
    {
        var ex = Assert.Throws<DfaInputException>(action);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain(fileName));
            Assert.That(ex.Message, Does.Not.Contain('\n'));
            foreach (string fragment in fragments)
            {
                Assert.That(ex.Message, Does.Contain(fragment));
            }
        });
    }
}
