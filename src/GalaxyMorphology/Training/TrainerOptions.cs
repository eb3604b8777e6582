using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Training.Callbacks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GalaxyMorphology.Training;

/// <summary>The optimizers <see cref="Trainer"/> offers.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (the notebook's; lr 1e-3).</summary>
    Adam,
    /// <summary>Adam with decoupled weight decay.</summary>
    AdamW,
    /// <summary>SGD with (Nesterov) momentum.</summary>
    Sgd,
}

/// <summary>The losses <see cref="Trainer"/> offers.</summary>
public enum LossKind
{
    /// <summary>Mean squared error (the notebook's, and the square of the Kaggle metric).</summary>
    Mse,
    /// <summary>Smooth L1 (Huber with delta 1).</summary>
    SmoothL1,
}

/// <summary>
/// Everything a <see cref="Trainer"/> does, set through <see cref="TrainerBuilder"/>: the single source of truth.
/// Defaults follow the notebook: Adam, learning rate 1e-3, MSE, batch 128.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Initial learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Weight decay (L2 for Adam/SGD, decoupled for AdamW).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Momentum for SGD.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Nesterov momentum for SGD.</summary>
    public bool Nesterov { get; init; } = true;
    /// <summary>Loss.</summary>
    public LossKind Loss { get; init; } = LossKind.Mse;
    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Epochs to run in total (counting those before a resume); null with a time budget means "as many as fit".</summary>
    public int? Epochs { get; init; }
    /// <summary>
    /// Wall-clock budget for the whole fit, validation included; null for none. Alone (without <see cref="Epochs"/>)
    /// the run times itself and plans its epochs (docs/training.md, "Time budgets").
    /// </summary>
    public TimeSpan? TimeBudget { get; init; }
    /// <summary>Device name: cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Seed for torch's generator (dropout), the loader's order and augmentation.</summary>
    public int Seed { get; init; }
    /// <summary>Threads torch uses for compute (process-wide; null leaves torch's setting alone).</summary>
    public int? Threads { get; init; }
    /// <summary>Loader worker threads for decoding and augmentation.</summary>
    public int WorkerThreads { get; init; } = Math.Max(1, Environment.ProcessorCount);
    /// <summary>Batches prepared ahead by the loader.</summary>
    public int PrefetchBatches { get; init; } = 3;
    /// <summary>Keep decoded images in memory after the first epoch (small sets).</summary>
    public bool CacheInMemory { get; init; }
    /// <summary>Learning-rate schedule.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant();
    /// <summary>Clip the gradients' global norm to this value; null for no clipping.</summary>
    public double? GradientClipNorm { get; init; }
    /// <summary>Training-time augmentation, or null.</summary>
    public IImageAugmentation? Augmentation { get; init; }
    /// <summary>The preprocessing the datasets apply; stored in checkpoints so a loaded model preprocesses new images the same way.</summary>
    public PreprocessingOptions? Preprocessing { get; init; }
    /// <summary>Callbacks, called in order.</summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];
    /// <summary>Logger.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
    /// <summary>
    /// The clock the time budget and the timings read (<see cref="TimeProvider.System"/>); a test or a simulation can
    /// pass its own.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        static void Check(bool ok, string name, object? value, string rule)
        {
            if (!ok) throw new ArgumentException($"{name} {rule}, got {value}", name);
        }
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be a positive number");
        Check(WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "must be 0 or more");
        Check(Momentum is >= 0 and < 1, nameof(Momentum), Momentum, "must be in [0, 1)");
        Check(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Check(Epochs is null or >= 1, nameof(Epochs), Epochs, "must be at least 1");
        Check(TimeBudget is null || TimeBudget > TimeSpan.Zero, nameof(TimeBudget), TimeBudget, "must be positive");
        Check(Epochs is not null || TimeBudget is not null, nameof(Epochs), "neither", "or a time budget must be set");
        Check(Threads is null or >= 1, nameof(Threads), Threads, "must be at least 1");
        Check(WorkerThreads >= 0, nameof(WorkerThreads), WorkerThreads, "must be 0 or more");
        Check(PrefetchBatches >= 1, nameof(PrefetchBatches), PrefetchBatches, "must be at least 1");
        Check(GradientClipNorm is null or > 0, nameof(GradientClipNorm), GradientClipNorm, "must be positive");
        if (TimeProvider is null) throw new ArgumentException("TimeProvider must be set", nameof(TimeProvider));
        Schedule.Validate();
    }
}
