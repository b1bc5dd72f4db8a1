using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Layers;

public sealed class ActivationTests
{
    private const double SeluAlpha = 1.6732632423543772848170429916717;
    private const double SeluScale = 1.0507009873554804934193349852946;
    private const double CeluAlpha = 0.7;

    // Every case: a factory and the scalar double reference of f. Sizes 37 and 3 rows cover full SIMD vectors and tails.
    private static readonly Dictionary<string, (Func<int, IActivation> Create, Func<double, double> Reference)> Cases = new()
    {
        ["tanh"] = (n => new Tanh(n), Math.Tanh),
        ["sigmoid"] = (n => new Sigmoid(n), x => 1 / (1 + Math.Exp(-x))),
        ["relu"] = (n => new Relu(n), x => Math.Max(0, x)),
        ["leaky_relu(0.01)"] = (n => new LeakyRelu(n, 0.01), x => x > 0 ? x : 0.01 * x),
        ["leaky_relu(-0.5)"] = (n => new LeakyRelu(n, -0.5), x => x > 0 ? x : -0.5 * x),
        ["prelu(0.25)"] = (n => new Prelu(n), x => x > 0 ? x : 0.25 * x),
        ["selu"] = (n => new Selu(n), x => x > 0 ? SeluScale * x : SeluScale * SeluAlpha * (Math.Exp(x) - 1)),
        ["celu(0.7)"] = (n => new Celu(n, CeluAlpha), x => Math.Max(0, x) + Math.Min(0, CeluAlpha * (Math.Exp(x / CeluAlpha) - 1))),
        ["gelu"] = (n => new Gelu(n), x => x * 0.5 * (1 + MathNet.Numerics.SpecialFunctions.Erf(x / Math.Sqrt(2)))),
    };

    private static IEnumerable<string> CaseNames => Cases.Keys;

    [TestCaseSource(nameof(CaseNames))]
    public void Forward_MatchesDoubleReference(string name)
    {
        var (create, reference) = Cases[name];
        IActivation layer = create(37);
        Matrix x = GradientCheck.Gaussian(3, 37, new Rng(1), scale: 3.0);
        x[0, 0] = 0f;
        x[0, 1] = -1e-4f;
        x[0, 2] = 1e-4f;
        Matrix y = layer.Forward(x, training: false);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = reference(x.Data[i]);

            // float32 outputs: a few ulps of the result, plus the 1.5e-7 erf approximation error for GELU.
            Assert.That(y.Data[i], Is.EqualTo(expected).Within(1e-6 + (2e-6 * Math.Abs(expected))), $"{name}({x.Data[i]})");
        }
    }

    [TestCaseSource(nameof(CaseNames))]
    public void Backward_MatchesFiniteDifferences(string name)
    {
        IActivation layer = Cases[name].Create(19);

        // |x| ≥ 0.2 ≫ 2h keeps the ReLU-family kinks outside every central difference.
        Matrix x = GradientCheck.AwayFromZero(4, 19, new Rng(2));
        GradientCheck.CheckLayer(layer, x, seed: 3);
    }

    [TestCaseSource(nameof(CaseNames))]
    public void WriteDerivative_EqualsBackwardOfUnitGradient(string name)
    {
        IActivation layer = Cases[name].Create(21);
        Matrix x = GradientCheck.AwayFromZero(5, 21, new Rng(4));
        layer.Forward(x, training: true);
        var derivative = new Matrix(5, 21);
        layer.WriteDerivative(derivative);
        var ones = new Matrix(5, 21);
        ones.Span.Fill(1f);
        Matrix dx = layer.Backward(ones, needInputGradient: true)!;
        Assert.That(dx.Data, Is.EqualTo(derivative.Data));
    }

    [TestCaseSource(nameof(CaseNames))]
    public void Backward_WithoutInputGradient_ReturnsNull(string name)
    {
        IActivation layer = Cases[name].Create(4);
        layer.Forward(new Matrix(2, 4), training: true);
        Assert.That(layer.Backward(new Matrix(2, 4), needInputGradient: false), Is.Null);
    }

    [TestCaseSource(nameof(CaseNames))]
    public void Forward_IsFiniteForLargeInputs(string name)
    {
        IActivation layer = Cases[name].Create(4);
        var x = new Matrix(1, 4, [-100f, 100f, -1e4f, 1e4f]);
        Matrix y = layer.Forward(x, training: true);
        var d = new Matrix(1, 4);
        layer.WriteDerivative(d);
        Assert.That(y.Data.Concat(d.Data).All(float.IsFinite), Is.True, string.Join(", ", y.Data.Concat(d.Data)));
    }

    [TestCaseSource(nameof(CaseNames))]
    public void ShapeErrors_AreRejected(string name)
    {
        IActivation layer = Cases[name].Create(4);
        Assert.That(() => layer.Backward(new Matrix(2, 4), true), Throws.InvalidOperationException);
        Assert.That(() => layer.WriteDerivative(new Matrix(2, 4)), Throws.InvalidOperationException);
        Assert.That(() => layer.Forward(new Matrix(2, 5), true), Throws.ArgumentException.With.Message.Contains("4 columns"));
        layer.Forward(new Matrix(2, 4), true);
        Assert.That(() => layer.Backward(new Matrix(3, 4), true), Throws.ArgumentException.With.Message.Contains("2×4"));
        Assert.That(() => layer.WriteDerivative(new Matrix(2, 3)), Throws.ArgumentException);
        Assert.That(() => Cases[name].Create(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Prelu_SlopeGradient_MatchesFiniteDifferences_ForNonDefaultSlope()
    {
        var layer = new Prelu(7, init: -0.3);
        Assert.That(layer.Weight.IsWeight, Is.False);
        Assert.That(layer.Weight.Name, Is.EqualTo("weight"));
        GradientCheck.CheckLayer(layer, GradientCheck.AwayFromZero(6, 7, new Rng(5)), seed: 6);
    }

    [Test]
    public void Prelu_BackwardWithoutInputGradient_StillFillsSlopeGradient()
    {
        var layer = new Prelu(2);
        layer.Forward(new Matrix(1, 2, [-2f, 3f]), training: true);
        Assert.That(layer.Backward(new Matrix(1, 2, [5f, 7f]), needInputGradient: false), Is.Null);
        Assert.That(layer.Weight.Gradient.Data[0], Is.EqualTo(-10f));
    }

    [Test]
    public void Erf_MatchesMathNet_Within1e6()
    {
        var xs = new float[12001];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = (i - 6000) / 1000f;
        }

        var vectorized = new float[xs.Length];
        ErfApproximation.Erf(xs, vectorized);
        double worst = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double reference = MathNet.Numerics.SpecialFunctions.Erf(xs[i]);
            worst = Math.Max(worst, Math.Abs(vectorized[i] - reference));
            worst = Math.Max(worst, Math.Abs(ErfApproximation.Erf(xs[i]) - reference));
        }

        Assert.That(worst, Is.LessThanOrEqualTo(1e-6));
    }

    [TestCase(ActivationKind.Relu, typeof(Relu))]
    [TestCase(ActivationKind.Tanh, typeof(Tanh))]
    [TestCase(ActivationKind.Sigmoid, typeof(Sigmoid))]
    [TestCase(ActivationKind.LeakyRelu, typeof(LeakyRelu))]
    [TestCase(ActivationKind.Prelu, typeof(Prelu))]
    [TestCase(ActivationKind.Selu, typeof(Selu))]
    [TestCase(ActivationKind.Celu, typeof(Celu))]
    [TestCase(ActivationKind.Gelu, typeof(Gelu))]
    public void Create_BuildsTheNamedKind(ActivationKind kind, Type expected)
    {
        IActivation layer = Activations.Create(kind, 9, new ModelConfig());
        Assert.That(layer, Is.InstanceOf(expected));
        Assert.That(layer.InputSize, Is.EqualTo(9));
        Assert.That(layer.OutputSize, Is.EqualTo(9));
    }

    [Test]
    public void Create_PassesModelParameters()
    {
        var model = new ModelConfig { NegativeSlope = -0.5, PreluInit = 0.1, CeluAlpha = 2.0 };
        Assert.That(((LeakyRelu)Activations.Create(ActivationKind.LeakyRelu, 3, model)).NegativeSlope, Is.EqualTo(-0.5f));
        Assert.That(((Prelu)Activations.Create(ActivationKind.Prelu, 3, model)).Weight.Value.Data[0], Is.EqualTo(0.1f));
        Assert.That(((Celu)Activations.Create(ActivationKind.Celu, 3, model)).Alpha, Is.EqualTo(2f));
        Assert.That(() => Activations.Create((ActivationKind)99, 3, model), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Constructors_RejectInvalidParameters()
    {
        Assert.That(() => new LeakyRelu(3, double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Prelu(3, double.PositiveInfinity), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Celu(3, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Tanh(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
