using System.Diagnostics;
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

    public TrainingResult Run(Dataset train, Dataset? validation, Dataset test, ITrainingObserver? observer = null, CancellationToken cancellationToken = default)
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

        for (int epoch = 0; epoch < _config.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double rate = _schedule.RateForEpoch(epoch);
            _optimizer.LearningRate = rate;
            shuffle.Shuffle<int>(order);
            observer?.OnEpochStarted(epoch + 1, batches);

            double lossSum = 0;
            long correct = 0;
            long start = Stopwatch.GetTimestamp();
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int offset = b * batchSize;
                int count = Math.Min(batchSize, train.Count - offset);
                (double loss, int hits) = Step(train, order.AsSpan(offset, count), epoch + 1);
                lossSum += loss * count;
                correct += hits;
                observer?.OnStep(epoch + 1, _steps, loss);
                observer?.OnBatch(epoch + 1, b + 1, batches);
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
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

            if (stopper is not null && stopper.Observe(val!.Value.Loss))
            {
                stoppedEarly = epoch + 1 < _config.Epochs;
                break;
            }
        }

        return new TrainingResult(epochs, stoppedEarly, stopper is null ? null : stopper.BestEpoch + 1, trainSeconds, samples, _steps);
    }

    /// <summary>One optimizer step on the samples at <paramref name="indices"/>; returns the batch's mean loss (with penalty) and its correct count.</summary>
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

        _algorithm.ComputeGradients(_network, gradient);
        IReadOnlyList<Parameter> parameters = _network.TrainableParameters;
        if (_config.L1Lambda > 0 || _config.L2Lambda > 0)
        {
            loss += Regularization.Penalty(parameters, _config.L1Lambda, _config.L2Lambda);
            Regularization.AddGradient(parameters, _config.L1Lambda, _config.L2Lambda);
        }

        _optimizer.Step();
        _steps++;
        return (loss, correct);
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
