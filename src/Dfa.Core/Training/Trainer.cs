using System.Diagnostics;
using System.Numerics.Tensors;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Layers;
using Dfa.Core.Losses;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// The training loop: shuffled mini-batches → forward → fused softmax cross-entropy → the algorithm's gradients →
/// L1/L2 penalty gradients → optimizer step; after each epoch, evaluation, the learning-rate schedule and early
/// stopping. Deterministic: the data order comes from <c>Rng.Derive(seed, "shuffle")</c> and every kernel's result is
/// independent of scheduling, so the same seed and thread count give the same bits.
/// </summary>
public sealed class Trainer
{
    private const int EvaluationBatch = 1000;

    private readonly Network _network;
    private readonly ITrainingAlgorithm _algorithm;
    private readonly IOptimizer _optimizer;
    private readonly ILearningRateSchedule _schedule;
    private readonly TrainConfig _config;
    private readonly SoftmaxCrossEntropy _loss = new();
    private Matrix? _batchInputs;
    private Matrix? _outputGradient;
    private int[] _batchLabels = [];
    private long _steps;
    private IReadOnlyList<Parameter>? _checkedParameters;
    private ICheckedStep? _checkedStep;

    public Trainer(Network network, ITrainingAlgorithm algorithm, IOptimizer optimizer, ILearningRateSchedule schedule, TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(config);
        _network = network;
        _algorithm = algorithm;
        _optimizer = optimizer;
        _schedule = schedule;
        _config = config;
    }

    public Network Network => _network;

    /// <summary>Optimizer steps taken so far.</summary>
    public long Steps => _steps;

    public TrainingResult Run(Dataset train, Dataset? validation, Dataset test, ITrainingObserver? observer = null, CancellationToken cancellationToken = default) =>
        Run(train, validation, test, observer, null, cancellationToken);

    /// <summary>
    /// Trains for the configured epochs (or until early stopping); with <paramref name="checkpoints"/>, saves the run's
    /// position as it describes and, on cancellation, saves once more after the step in progress before throwing
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss, gradient or weight went non-finite; nothing is saved for that step.</exception>
    public TrainingResult Run(
        Dataset train, Dataset? validation, Dataset test, ITrainingObserver? observer, TrainerCheckpoints? checkpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ThrowIfIncompatible(train);
        ThrowIfIncompatible(test);
        if (validation is not null)
        {
            ThrowIfIncompatible(validation);
        }

        EarlyStopping? stopper = _config.EarlyStopping is { } es && validation is not null
            ? new EarlyStopping(es.Patience, es.MinDelta)
            : null;
        var shuffle = Rng.Derive(_config.Seed, "shuffle");
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        int batchSize = _config.BatchSize;
        int batches = (train.Count / batchSize) + (train.Count % batchSize != 0 ? 1 : 0);
        var epochs = new List<EpochMetrics>();
        double trainSeconds = 0;
        long samples = 0;
        bool stoppedEarly = false;
        int firstEpoch = 0;
        int firstBatch = 0;
        double resumedLoss = 0;
        long resumedCorrect = 0;
        double resumedSeconds = 0;
        if (checkpoints?.ResumeFrom is { } from)
        {
            if (from.Order.Length != train.Count || from.Batch < 0 || from.Batch > batches || from.Epoch < 0 || from.Epochs.Count != from.Epoch)
            {
                throw new ArgumentException(
                    $"The checkpoint's position (epoch {from.Epoch}, batch {from.Batch}, {from.Order.Length} samples) does not fit {train.Count} samples in {batches} batches.",
                    nameof(checkpoints));
            }

            from.Order.CopyTo(order);
            shuffle = Rng.FromState(from.ShuffleState);
            epochs.AddRange(from.Epochs);
            (firstEpoch, firstBatch, _steps) = (from.Epoch, from.Batch, from.Steps);
            (resumedLoss, resumedCorrect, resumedSeconds) = (from.LossSum, from.Correct, from.EpochSeconds);
            (trainSeconds, samples) = (from.TrainSeconds, from.SamplesTrained);

            // Early stopping's state is a function of the validation losses so far: replay them.
            for (int e = 0; e < epochs.Count && stopper is not null; e++)
            {
                if (stopper.Observe(epochs[e].ValidationLoss ?? double.NaN) && e == epochs.Count - 1)
                {
                    stoppedEarly = epochs.Count < _config.Epochs;
                    firstEpoch = _config.Epochs;
                }
            }
        }

        TrainerProgress Progress(int epoch, int batch, double lossSum, long correct, double epochSeconds) =>
            new(epoch, batch, _steps, lossSum, correct, epochSeconds, (int[])order.Clone(), shuffle.GetState(), epochs.ToArray(), trainSeconds, samples);

        for (int epoch = firstEpoch; epoch < _config.Epochs; epoch++)
        {
            bool resumed = epoch == firstEpoch && firstBatch > 0;
            if (!resumed && cancellationToken.IsCancellationRequested)
            {
                checkpoints?.Save(Progress(epoch, 0, 0, 0, 0));
                cancellationToken.ThrowIfCancellationRequested();
            }

            double rate = _schedule.RateForEpoch(epoch);
            _optimizer.LearningRate = rate;
            if (!resumed)
            {
                shuffle.Shuffle<int>(order);
            }

            observer?.OnEpochStarted(epoch + 1, batches);

            double lossSum = resumed ? resumedLoss : 0;
            long correct = resumed ? resumedCorrect : 0;
            double priorSeconds = resumed ? resumedSeconds : 0;
            long start = Stopwatch.GetTimestamp();
            for (int b = resumed ? firstBatch : 0; b < batches; b++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    checkpoints?.Save(Progress(epoch, b, lossSum, correct, priorSeconds + Stopwatch.GetElapsedTime(start).TotalSeconds));
                    cancellationToken.ThrowIfCancellationRequested();
                }

                int offset = b * batchSize;
                int count = Math.Min(batchSize, train.Count - offset);
                (double loss, int hits) = Step(train, order.AsSpan(offset, count), epoch + 1);
                lossSum += loss * count;
                correct += hits;
                observer?.OnStep(epoch + 1, _steps, loss);
                observer?.OnBatch(epoch + 1, b + 1, batches);
                if (checkpoints is { EverySteps: > 0 } && _steps % checkpoints.EverySteps == 0)
                {
                    checkpoints.Save(Progress(epoch, b + 1, lossSum, correct, priorSeconds + Stopwatch.GetElapsedTime(start).TotalSeconds));
                }
            }

            double seconds = priorSeconds + Stopwatch.GetElapsedTime(start).TotalSeconds;
            trainSeconds += seconds;
            samples += train.Count;

            Evaluation? val = validation is null ? null : Evaluate(validation);
            Evaluation tst = Evaluate(test);
            var metrics = new EpochMetrics(
                epoch + 1,
                rate,
                lossSum / train.Count,
                (double)correct / train.Count,
                val?.Loss,
                val?.Accuracy,
                tst.Loss,
                tst.Accuracy,
                seconds,
                train.Count / seconds);
            epochs.Add(metrics);
            observer?.OnEpochCompleted(metrics);
            checkpoints?.Save(Progress(epoch + 1, 0, 0, 0, 0));

            if (stopper is not null && stopper.Observe(val!.Value.Loss))
            {
                stoppedEarly = epoch + 1 < _config.Epochs;
                break;
            }
        }

        return new TrainingResult(epochs, stoppedEarly, stopper is null ? null : stopper.BestEpoch + 1, trainSeconds, samples, _steps);
    }

    /// <summary>
    /// One optimizer step on the samples at <paramref name="indices"/>; returns the batch's mean loss (with penalty) and
    /// its correct count. Checks the loss, then every trainable gradient, then every trainable weight for NaN or ±∞
    /// (one SIMD max-magnitude pass per tensor: the result is NaN if any element is, ∞ if any is infinite).
    /// </summary>
    /// <exception cref="TrainingDivergedException">Naming the step and the first non-finite quantity, in network order.</exception>
    public (double Loss, int Correct) Step(Dataset data, ReadOnlySpan<int> indices, int epoch = 1)
    {
        Matrix inputs = Gather(data, indices);
        Matrix logits = _network.Forward(inputs, training: true);
        Matrix gradient = Matrix.Ensure(ref _outputGradient, logits.Rows, logits.Cols);
        ReadOnlySpan<int> labels = _batchLabels.AsSpan(0, indices.Length);
        double loss = _loss.Compute(logits, labels, gradient);
        int correct = _loss.CountCorrect(logits, labels);
        if (!double.IsFinite(loss))
        {
            throw new TrainingDivergedException(epoch, _steps + 1, $"the loss is {loss}");
        }

        _algorithm.ComputeGradients(_network, gradient, labels);
        IReadOnlyList<Parameter> parameters = _network.TrainableParameters;
        if (_config.L1Lambda > 0 || _config.L2Lambda > 0)
        {
            loss += Regularization.Penalty(parameters, _config.L1Lambda, _config.L2Lambda);
            Regularization.AddGradient(parameters, _config.L1Lambda, _config.L2Lambda);
        }

        if (CheckedOptimizer(parameters) is { } checkedStep)
        {
            StepFaults faults = checkedStep.StepChecked();
            if (faults.Gradient >= 0)
            {
                ThrowNonFinite(parameters[faults.Gradient], gradients: true, epoch);
            }

            // As on the unchecked path: Kolen–Pollack gives B the weights' change here, brSF counts its steps.
            _algorithm.AfterStep();
            _steps++;
            if (faults.Value >= 0)
            {
                ThrowNonFinite(parameters[faults.Value], gradients: false, epoch);
            }

            return (loss, correct);
        }

        ThrowIfNonFinite(parameters, gradients: true, epoch);
        _optimizer.Step(_algorithm.LastStep);
        _algorithm.AfterStep();
        _steps++;
        ThrowIfNonFinite(parameters, gradients: false, epoch);
        return (loss, correct);
    }

    /// <summary>
    /// The optimizer as an <see cref="ICheckedStep"/> when it holds exactly <paramref name="parameters"/> in network
    /// order (so its fault indices name the same parameter the separate checks would name first), else null.
    /// </summary>
    private ICheckedStep? CheckedOptimizer(IReadOnlyList<Parameter> parameters)
    {
        if (!ReferenceEquals(parameters, _checkedParameters))
        {
            _checkedParameters = parameters;
            _checkedStep = _optimizer is ICheckedStep c && c.Parameters.Count == parameters.Count
                && c.Parameters.Zip(parameters).All(pair => ReferenceEquals(pair.First, pair.Second)) ? c : null;
        }

        return _checkedStep;
    }

    private void ThrowNonFinite(Parameter p, bool gradients, int epoch)
    {
        ThrowIfNonFinite([p], gradients, epoch);
        throw new InvalidOperationException($"The optimizer reported a non-finite {(gradients ? "gradient" : "value")} in {p.Name} that a second check does not find.");
    }

    private void ThrowIfNonFinite(IReadOnlyList<Parameter> parameters, bool gradients, int epoch)
    {
        foreach (Parameter p in parameters)
        {
            ReadOnlySpan<float> values = (gradients ? p.Gradient : p.Value).Span;
            if (values.Length > 0 && TensorPrimitives.MaxMagnitude(values) is var m && !float.IsFinite(m))
            {
                string what = gradients ? "gradient" : "value";
                long step = gradients ? _steps + 1 : _steps;
                throw new TrainingDivergedException(epoch, step, $"{p.Name}'s {what} holds {(float.IsNaN(m) ? "NaN" : "±∞")}", p.Name);
            }
        }
    }

    /// <summary>Mean cross-entropy and accuracy in evaluation mode (dropout off, running normalisation statistics).</summary>
    public Evaluation Evaluate(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ThrowIfIncompatible(data);
        double lossSum = 0;
        long correct = 0;
        int[] indices = new int[Math.Min(EvaluationBatch, data.Count)];
        for (int offset = 0; offset < data.Count; offset += EvaluationBatch)
        {
            int count = Math.Min(EvaluationBatch, data.Count - offset);
            for (int i = 0; i < count; i++)
            {
                indices[i] = offset + i;
            }

            Matrix inputs = Gather(data, indices.AsSpan(0, count));
            Matrix logits = _network.Forward(inputs, training: false);
            ReadOnlySpan<int> labels = _batchLabels.AsSpan(0, count);
            lossSum += _loss.Compute(logits, labels, null) * count;
            correct += _loss.CountCorrect(logits, labels);
        }

        return new Evaluation(lossSum / data.Count, (double)correct / data.Count, data.Count);
    }

    private Matrix Gather(Dataset data, ReadOnlySpan<int> indices)
    {
        Matrix inputs = Matrix.Ensure(ref _batchInputs, indices.Length, data.Features);
        if (_batchLabels.Length < indices.Length)
        {
            _batchLabels = new int[Math.Max(indices.Length, EvaluationBatch)];
        }

        for (int i = 0; i < indices.Length; i++)
        {
            data.Sample(indices[i]).CopyTo(inputs.Row(i));
            _batchLabels[i] = data.Labels[indices[i]];
        }

        return inputs;
    }

    private void ThrowIfIncompatible(Dataset data)
    {
        if (data.Features != _network.InputSize || data.Classes != _network.OutputSize)
        {
            throw new ArgumentException(
                $"Dataset '{data.Name}' has {data.Features} features and {data.Classes} classes; the network takes {_network.InputSize} and gives {_network.OutputSize}.",
                nameof(data));
        }
    }
}
