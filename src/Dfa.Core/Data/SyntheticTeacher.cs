using Dfa.Core.Config;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Data;

/// <summary>
/// A synthetic classification set of any size: Gaussian inputs <c>x ~ N(0, 1)</c> labelled by a seeded random teacher
/// network <c>label = argmax_c s_c(x)</c>, with logits <c>ℓ = W₂ᵀ·tanh(W₁ᵀ·x + b₁)</c> and balanced scores
/// <c>s_c = (ℓ_c − μ_c)/σ_c − o_c</c>. Used for tests and for output widths MNIST does not have (100, 1000 classes).
/// </summary>
/// <remarks>
/// <para>Teacher: <c>W₁</c> (inputs × hidden) and <c>W₂</c> (hidden × classes) have N(0, 1/fan-in) entries, so
/// hidden pre-activations are about N(0, 1) and tanh is neither linear nor saturated; <c>b₁ ~ N(0, 0.25)</c>.</para>
/// <para>Balance: the argmax of a raw random teacher is very skewed (classes whose logit has a larger mean or
/// variance win far more often). The teacher is calibrated on a separate Gaussian sample of
/// <see cref="CalibrationSize"/> inputs. First each class's logit is standardised, <c>μ_c = w_cᵀ·μ_h</c> and
/// <c>σ_c² = w_cᵀ·Σ_h·w_c</c> from the mean and covariance of the calibration sample's hidden activations. Then
/// per-class offsets <c>o_c</c> are fitted to the calibration sample's top <see cref="CandidatesPerRow"/> scores per
/// row by damped, decaying Newton steps on <c>log(wins_c / target)</c> (the win rate of the maximum of K
/// near-Gaussian scores changes by a factor of about <c>exp(√(2 ln K)·δ)</c> when a score moves by δ), keeping the
/// best offsets seen, until every class wins within ±<see cref="CalibrationTolerance"/> of an equal share or after
/// <see cref="MaxCalibrationIterations"/> steps. On fresh samples the class shares then differ from <c>1/K</c> by the
/// calibration error (about <c>1/√40</c> for 1000 classes) plus sampling noise. Stated bound, pinned by the tests at
/// 20 samples per class for 10 and 1000 classes: every class appears and the largest share is below <c>2/K</c>.</para>
/// <para>Determinism: every random number comes from <see cref="Rng.Derive"/> streams of the seed
/// (<c>synthetic/teacher/…</c>, <c>synthetic/calibration/x/i</c>, <c>synthetic/train/x/i</c>,
/// <c>synthetic/test/x/i</c>, one stream per block of <see cref="BlockRows"/> rows), and every block is computed by
/// one thread with a fixed summation order, so the same arguments give identical bits whatever the thread count.</para>
/// </remarks>
public static class SyntheticTeacher
{
    /// <summary>Rows generated and labelled per work item (and per random stream).</summary>
    public const int BlockRows = 1024;

    /// <summary>Fraction of an equal share by which a class's calibration win count may deviate: 0.1.</summary>
    public const double CalibrationTolerance = 0.1;

    /// <summary>Upper bound on offset-fitting steps.</summary>
    public const int MaxCalibrationIterations = 200;

    /// <summary>Best-scoring classes kept per calibration row for the offset fit.</summary>
    public const int CandidatesPerRow = 64;

    /// <summary>Calibration inputs for <paramref name="classes"/> classes: <c>max(10 000, 40·classes)</c>.</summary>
    public static int CalibrationSize(int classes) => Math.Max(10_000, 40 * classes);

    /// <summary>Generates the train and test sets described by <paramref name="config"/> (<c>data.synthetic</c>).</summary>
    /// <exception cref="DfaInputException">A size is not positive or the sets would not fit in memory.</exception>
    public static (Dataset Train, Dataset Test) Generate(SyntheticConfig config, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Generate(config.Inputs, config.Classes, config.Train, config.Test, config.TeacherHidden, config.Seed, threads);
    }

    /// <summary>
    /// Generates <paramref name="train"/> and <paramref name="test"/> samples of <paramref name="inputs"/> features and
    /// <paramref name="classes"/> classes, named <c>synthetic-train</c> and <c>synthetic-test</c>.
    /// <paramref name="threads"/> 0 means one per core; it never changes the result.
    /// </summary>
    /// <exception cref="DfaInputException">A size is not positive or the sets would not fit in memory.</exception>
    public static (Dataset Train, Dataset Test) Generate(
        int inputs, int classes, int train, int test, int teacherHidden, ulong seed, int threads = 0)
    {
        RequireAtLeast(inputs, 1, "inputs");
        RequireAtLeast(classes, 2, "classes");
        RequireAtLeast(train, 1, "train");
        RequireAtLeast(test, 1, "test");
        RequireAtLeast(teacherHidden, 1, "teacher_hidden");
        RequireFits((long)train * inputs, "train", "inputs");
        RequireFits((long)test * inputs, "test", "inputs");
        RequireFits((long)inputs * teacherHidden, "inputs", "teacher_hidden");
        RequireFits((long)teacherHidden * classes, "teacher_hidden", "classes");
        RequireFits((long)CalibrationSize(classes) * teacherHidden, "40·classes", "teacher_hidden");
        RequireFits((long)CalibrationSize(classes) * CandidatesPerRow, "40·classes", "64");
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };

        Teacher teacher = Teacher.Create(inputs, teacherHidden, classes, seed);
        teacher.Calibrate(seed, parallel);

        return (Sample("synthetic-train", "synthetic/train/x/", train, teacher, seed, parallel),
                Sample("synthetic-test", "synthetic/test/x/", test, teacher, seed, parallel));
    }

    private static Dataset Sample(string name, string stream, int count, Teacher teacher, ulong seed, ParallelOptions parallel)
    {
        var x = new float[(long)count * teacher.Inputs];
        var labels = new int[count];
        int blocks = (count + BlockRows - 1) / BlockRows;
        Parallel.For(0, blocks, parallel, () => new Workspace(teacher), (block, _, work) =>
        {
            int first = block * BlockRows;
            int rows = Math.Min(BlockRows, count - first);
            Span<float> xs = x.AsSpan(first * teacher.Inputs, rows * teacher.Inputs);
            FillGaussian(Rng.Derive(seed, stream + block), xs);
            teacher.Logits(xs, rows, work);
            for (int r = 0; r < rows; r++)
            {
                labels[first + r] = teacher.Label(work.Logits.AsSpan(r * teacher.Classes, teacher.Classes));
            }

            return work;
        }, _ => { });
        return new Dataset(name, teacher.Inputs, teacher.Classes, x, labels);
    }

    /// <summary>N(0, 1) by Box–Muller, both outputs of each pair used (half the logarithms of one-per-call).</summary>
    private static void FillGaussian(Rng rng, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i += 2)
        {
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble()));
            (double sin, double cos) = Math.SinCos(2.0 * Math.PI * rng.NextDouble());
            destination[i] = (float)(radius * cos);
            if (i + 1 < destination.Length)
            {
                destination[i + 1] = (float)(radius * sin);
            }
        }
    }

    private static void RequireAtLeast(int value, int minimum, string key)
    {
        if (value < minimum)
        {
            throw new DfaInputException($"data.synthetic.{key} must be at least {minimum}, got {value}.");
        }
    }

    private static void RequireFits(long elements, string key1, string key2)
    {
        if (elements > Array.MaxLength)
        {
            throw new DfaInputException(
                $"data.synthetic: {key1} × {key2} = {elements} values, more than one array holds ({Array.MaxLength}).");
        }
    }

    /// <summary>Per-thread scratch for one block: hidden activations and logits.</summary>
    private sealed class Workspace(Teacher teacher)
    {
        public float[] Hidden { get; } = new float[BlockRows * teacher.Hidden];

        public float[] Logits { get; } = new float[BlockRows * teacher.Classes];
    }

    private sealed class Teacher
    {
        private readonly float[] _w1;
        private readonly float[] _b1;
        private readonly float[] _w2;
        private readonly float[] _mean;
        private readonly float[] _inverseStd;
        private readonly float[] _offset;

        private Teacher(int inputs, int hidden, int classes, float[] w1, float[] b1, float[] w2)
        {
            Inputs = inputs;
            Hidden = hidden;
            Classes = classes;
            _w1 = w1;
            _b1 = b1;
            _w2 = w2;
            _mean = new float[classes];
            _inverseStd = new float[classes];
            Array.Fill(_inverseStd, 1f);
            _offset = new float[classes];
        }

        public int Inputs { get; }

        public int Hidden { get; }

        public int Classes { get; }

        public static Teacher Create(int inputs, int hidden, int classes, ulong seed)
        {
            return new Teacher(
                inputs,
                hidden,
                classes,
                Gaussian(Rng.Derive(seed, "synthetic/teacher/w1"), inputs * hidden, 1.0 / Math.Sqrt(inputs)),
                Gaussian(Rng.Derive(seed, "synthetic/teacher/b1"), hidden, 0.5),
                Gaussian(Rng.Derive(seed, "synthetic/teacher/w2"), hidden * classes, 1.0 / Math.Sqrt(hidden)));
        }

        /// <summary>Raw logits <c>W₂ᵀ·tanh(W₁ᵀ·x + b₁)</c> of <paramref name="rows"/> inputs into <c>work.Logits</c>.</summary>
        public void Logits(ReadOnlySpan<float> x, int rows, Workspace work)
        {
            Span<float> h = work.Hidden.AsSpan(0, rows * Hidden);
            HiddenActivations(x, rows, h);
            Gemm.Multiply(Transpose.No, Transpose.No, rows, Classes, Hidden, 1f, h, Hidden, _w2, Classes, 0f, work.Logits, Classes);
        }

        /// <summary>The balanced argmax of one row of raw logits; ties go to the lower class.</summary>
        public int Label(ReadOnlySpan<float> logits)
        {
            int best = 0;
            float bestScore = float.NegativeInfinity;
            for (int c = 0; c < logits.Length; c++)
            {
                float score = ((logits[c] - _mean[c]) * _inverseStd[c]) - _offset[c];
                if (score > bestScore)
                {
                    bestScore = score;
                    best = c;
                }
            }

            return best;
        }

        public void Calibrate(ulong seed, ParallelOptions parallel)
        {
            int n = CalibrationSize(Classes);
            int blocks = (n + BlockRows - 1) / BlockRows;
            var hidden = new float[(long)n * Hidden];
            Parallel.For(0, blocks, parallel, () => (new Workspace(this), new float[BlockRows * Inputs]), (block, _, state) =>
            {
                int first = block * BlockRows;
                int rows = Math.Min(BlockRows, n - first);
                Span<float> xs = state.Item2.AsSpan(0, rows * Inputs);
                FillGaussian(Rng.Derive(seed, "synthetic/calibration/x/" + block), xs);
                HiddenActivations(xs, rows, hidden.AsSpan(first * Hidden, rows * Hidden));
                return state;
            }, _ => { });

            Standardize(hidden, n, parallel.MaxDegreeOfParallelism);

            // Offsets are fitted on each calibration row's top candidates only: after standardisation the offsets stay
            // far smaller than the gap between a row's best and its 64th-best score, so the winner is among them.
            int m = Math.Min(Classes, CandidatesPerRow);
            var candidateClass = new int[(long)n * m];
            var candidateScore = new float[(long)n * m];
            Parallel.For(0, blocks, parallel, () => new Workspace(this), (block, _, work) =>
            {
                int first = block * BlockRows;
                int rows = Math.Min(BlockRows, n - first);
                ReadOnlySpan<float> h = hidden.AsSpan(first * Hidden, rows * Hidden);
                Gemm.Multiply(Transpose.No, Transpose.No, rows, Classes, Hidden, 1f, h, Hidden, _w2, Classes, 0f, work.Logits, Classes);
                for (int r = 0; r < rows; r++)
                {
                    TopCandidates(
                        work.Logits.AsSpan(r * Classes, Classes),
                        candidateClass.AsSpan((first + r) * m, m),
                        candidateScore.AsSpan((first + r) * m, m));
                }

                return work;
            }, _ => { });

            FitOffsets(candidateClass, candidateScore, n, m, parallel);
        }

        private void HiddenActivations(ReadOnlySpan<float> x, int rows, Span<float> h)
        {
            Gemm.Multiply(Transpose.No, Transpose.No, rows, Hidden, Inputs, 1f, x, Inputs, _w1, Hidden, 0f, h, Hidden);
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = h.Slice(r * Hidden, Hidden);
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] = MathF.Tanh(row[j] + _b1[j]);
                }
            }
        }

        /// <summary>
        /// μ_c = w_cᵀ·μ_h and σ_c² = w_cᵀ·Σ_h·w_c from the hidden activations' mean μ_h and covariance Σ_h, which costs
        /// hidden² per row instead of storing every calibration logit.
        /// </summary>
        private void Standardize(float[] hidden, int n, int threads)
        {
            var mean = new double[Hidden];
            for (int r = 0; r < n; r++)
            {
                ReadOnlySpan<float> row = hidden.AsSpan(r * Hidden, Hidden);
                for (int j = 0; j < Hidden; j++)
                {
                    mean[j] += row[j];
                }
            }

            for (int j = 0; j < Hidden; j++)
            {
                mean[j] /= n;
            }

            // Σ_h = HᵀH/n − μμᵀ; entries of H are in (−1, 1), so float sums of n ≤ 10⁷ terms keep ample digits here.
            var second = new float[Hidden * Hidden];
            Gemm.Multiply(Transpose.Yes, Transpose.No, Hidden, Hidden, n, 1f / n, hidden, Hidden, hidden, Hidden, 0f, second, Hidden, threads);
            for (int c = 0; c < Classes; c++)
            {
                double mu = 0;
                double variance = 0;
                for (int i = 0; i < Hidden; i++)
                {
                    double wi = _w2[(i * Classes) + c];
                    mu += wi * mean[i];
                    double sigmaW = 0;
                    for (int j = 0; j < Hidden; j++)
                    {
                        sigmaW += (second[(i * Hidden) + j] - (mean[i] * mean[j])) * _w2[(j * Classes) + c];
                    }

                    variance += wi * sigmaW;
                }

                // A class whose logit never moves keeps unit scale rather than dividing by zero.
                _mean[c] = (float)mu;
                _inverseStd[c] = variance > 1e-20 ? (float)(1.0 / Math.Sqrt(variance)) : 1f;
            }
        }

        /// <summary>The <c>m</c> best standardised scores of one row and their classes (in no particular order).</summary>
        private void TopCandidates(ReadOnlySpan<float> logits, Span<int> classes, Span<float> scores)
        {
            // Min-heap on score: the root is the weakest candidate kept so far.
            int m = classes.Length;
            int size = 0;
            for (int c = 0; c < logits.Length; c++)
            {
                float s = (logits[c] - _mean[c]) * _inverseStd[c];
                if (size < m)
                {
                    int i = size++;
                    while (i > 0 && scores[(i - 1) / 2] > s)
                    {
                        scores[i] = scores[(i - 1) / 2];
                        classes[i] = classes[(i - 1) / 2];
                        i = (i - 1) / 2;
                    }

                    scores[i] = s;
                    classes[i] = c;
                }
                else if (s > scores[0])
                {
                    int i = 0;
                    while (true)
                    {
                        int child = (2 * i) + 1;
                        if (child >= m)
                        {
                            break;
                        }

                        if (child + 1 < m && scores[child + 1] < scores[child])
                        {
                            child++;
                        }

                        if (scores[child] >= s)
                        {
                            break;
                        }

                        scores[i] = scores[child];
                        classes[i] = classes[child];
                        i = child;
                    }

                    scores[i] = s;
                    classes[i] = c;
                }
            }
        }

        private void FitOffsets(int[] candidateClass, float[] candidateScore, int n, int m, ParallelOptions parallel)
        {
            var winners = new int[n];
            var wins = new int[Classes];
            var best = new float[Classes];
            double bestDeviation = double.PositiveInfinity;
            double target = (double)n / Classes;

            // Newton step for the log win rate of a maximum of K near-Gaussian scores; the step shrinks over the
            // iterations because simultaneous hard-count updates otherwise oscillate around the balance point.
            double step0 = 0.7 / Math.Sqrt(2 * Math.Log(Classes));
            for (int iteration = 0; iteration < MaxCalibrationIterations; iteration++)
            {
                Parallel.For(0, (n + BlockRows - 1) / BlockRows, parallel, block =>
                {
                    int end = Math.Min(n, (block + 1) * BlockRows);
                    for (int r = block * BlockRows; r < end; r++)
                    {
                        int winner = int.MaxValue;
                        float top = float.NegativeInfinity;
                        for (int k = r * m; k < (r + 1) * m; k++)
                        {
                            int c = candidateClass[k];
                            float s = candidateScore[k] - _offset[c];
                            if (s > top || (s == top && c < winner))
                            {
                                (top, winner) = (s, c);
                            }
                        }

                        winners[r] = winner;
                    }
                });

                Array.Clear(wins);
                foreach (int w in winners)
                {
                    wins[w]++;
                }

                double deviation = 0;
                foreach (int w in wins)
                {
                    deviation = Math.Max(deviation, Math.Abs(w - target) / target);
                }

                if (deviation < bestDeviation)
                {
                    bestDeviation = deviation;
                    _offset.CopyTo(best, 0);
                }

                if (deviation <= CalibrationTolerance)
                {
                    break;
                }

                double step = step0 / Math.Sqrt(1 + (iteration / 10.0));
                for (int c = 0; c < Classes; c++)
                {
                    _offset[c] += (float)(step * Math.Log((wins[c] + 0.5) / target));
                }
            }

            best.CopyTo(_offset, 0);
        }

        private static float[] Gaussian(Rng rng, int count, double scale)
        {
            var values = new float[count];
            FillGaussian(rng, values);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(values[i] * scale);
            }

            return values;
        }
    }
}
