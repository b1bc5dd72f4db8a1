namespace Dfa.Core.Data;

/// <summary>
/// Loads MNIST from a folder holding the four uncompressed IDX files (<see cref="TrainImages"/>,
/// <see cref="TrainLabels"/>, <see cref="TestImages"/>, <see cref="TestLabels"/>) into two <see cref="Dataset"/>s of
/// 784 float32 features and 10 classes, named <c>mnist-train</c> and <c>mnist-test</c>.
/// </summary>
/// <remarks>
/// Pixels become <c>x = p/255</c>. With normalisation on they then become <c>(x − μ)/σ</c>, where μ and σ are the
/// mean and (population) standard deviation of every training pixel, computed from the data; the test set uses the
/// training set's μ and σ, so no test statistics leak into the inputs. This class does not fetch anything; see
/// <see cref="MnistFetcher"/>.
/// </remarks>
public static class MnistLoader
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>MNIST's image side: 28 pixels.</summary>
    public const int Side = 28;

    /// <summary>Features per sample: 28·28.</summary>
    public const int Features = Side * Side;

    /// <summary>The ten digits.</summary>
    public const int Classes = 10;

    /// <summary>The four IDX file names, train first.</summary>
    public static IReadOnlyList<string> FileNames { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>Loads and validates the four files in <paramref name="folder"/>.</summary>
    /// <exception cref="DfaInputException">A file is missing or malformed, counts disagree, or images are not 28×28.</exception>
    public static (Dataset Train, Dataset Test) Load(string folder, bool normalize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
        {
            throw new DfaInputException($"{folder}: MNIST folder does not exist.");
        }

        (float[] trainX, int[] trainY) = ReadPair(folder, TrainImages, TrainLabels);
        (float[] testX, int[] testY) = ReadPair(folder, TestImages, TestLabels);

        if (normalize)
        {
            (double mean, double std) = MeanAndStd(trainX);
            if (!(std > 0))
            {
                throw new DfaInputException(
                    $"{Path.Combine(folder, TrainImages)}: every training pixel has the same value; cannot standardise (set data.normalize: false).");
            }

            Standardize(trainX, (float)mean, (float)(1.0 / std));
            Standardize(testX, (float)mean, (float)(1.0 / std));
        }

        return (new Dataset("mnist-train", Features, Classes, trainX, trainY),
                new Dataset("mnist-test", Features, Classes, testX, testY));
    }

    private static (float[] Inputs, int[] Labels) ReadPair(string folder, string imagesName, string labelsName)
    {
        string imagesPath = Path.Combine(folder, imagesName);
        string labelsPath = Path.Combine(folder, labelsName);
        IdxImages images = IdxReader.ReadImages(imagesPath);
        if (images.Rows != Side || images.Cols != Side)
        {
            throw new DfaInputException(
                $"{imagesPath}: images are {images.Rows}×{images.Cols}, MNIST's are {Side}×{Side}.");
        }

        byte[] labels = IdxReader.ReadLabels(labelsPath, Classes);
        if (labels.Length != images.Count)
        {
            throw new DfaInputException(
                $"{labelsPath}: labels/images count mismatch: {images.Count} images in {imagesName}, {labels.Length} labels in {labelsName}.");
        }

        var inputs = new float[images.Pixels.Length];
        // A table of p/255 (correctly rounded, unlike p·(1/255)) costs one lookup per pixel.
        Span<float> table = stackalloc float[256];
        for (int p = 0; p < table.Length; p++)
        {
            table[p] = p / 255f;
        }

        byte[] pixels = images.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            inputs[i] = table[pixels[i]];
        }

        var y = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            y[i] = labels[i];
        }

        return (inputs, y);
    }

    private static (double Mean, double Std) MeanAndStd(float[] x)
    {
        // Two passes in double: the one-pass Σx² − (Σx)²/n formula loses digits on 47 M values near 0.13.
        double sum = 0;
        foreach (float v in x)
        {
            sum += v;
        }

        double mean = sum / x.Length;
        double squares = 0;
        foreach (float v in x)
        {
            double d = v - mean;
            squares += d * d;
        }

        return (mean, Math.Sqrt(squares / x.Length));
    }

    private static void Standardize(float[] x, float mean, float inverseStd)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (x[i] - mean) * inverseStd;
        }
    }
}
