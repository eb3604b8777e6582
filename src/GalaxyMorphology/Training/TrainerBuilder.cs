using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Models;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Training.Callbacks;
using Microsoft.Extensions.Logging;

namespace GalaxyMorphology.Training;

/// <summary>
/// Fluent, single-use builder of a <see cref="Trainer"/>: each method sets <see cref="TrainerOptions"/>;
/// <see cref="Build"/> checks them and throws <see cref="ArgumentException"/> naming a bad value.
/// </summary>
public sealed class TrainerBuilder
{
    private readonly GalaxyNet model;
    private TrainerOptions options = new();
    private Checkpoint? resume;
    private bool built;

    internal TrainerBuilder(GalaxyNet model) => this.model = model ?? throw new ArgumentNullException(nameof(model));

    private TrainerBuilder Set(Func<TrainerOptions, TrainerOptions> change)
    {
        if (built) throw new InvalidOperationException("this TrainerBuilder has already built a Trainer; builders are single-use");
        options = change(options);
        return this;
    }

    /// <summary>Optimizer and, optionally, its learning rate and weight decay.</summary>
    public TrainerBuilder WithOptimizer(OptimizerKind kind, double? learningRate = null, double? weightDecay = null) =>
        Set(o => o with { Optimizer = kind, LearningRate = learningRate ?? o.LearningRate, WeightDecay = weightDecay ?? o.WeightDecay });

    /// <summary>SGD momentum settings.</summary>
    public TrainerBuilder WithMomentum(double momentum, bool nesterov = true) => Set(o => o with { Momentum = momentum, Nesterov = nesterov });

    /// <summary>Initial learning rate (1e-3 by default).</summary>
    public TrainerBuilder WithLearningRate(double learningRate) => Set(o => o with { LearningRate = learningRate });

    /// <summary>Weight decay.</summary>
    public TrainerBuilder WithWeightDecay(double weightDecay) => Set(o => o with { WeightDecay = weightDecay });

    /// <summary>Loss (MSE by default).</summary>
    public TrainerBuilder WithLoss(LossKind loss) => Set(o => o with { Loss = loss });

    /// <summary>Images per batch (128 by default).</summary>
    public TrainerBuilder WithBatchSize(int batchSize) => Set(o => o with { BatchSize = batchSize });

    /// <summary>Total epochs (counting those before a resume, as Keras's <c>epochs</c> with <c>initial_epoch</c>).</summary>
    public TrainerBuilder WithEpochs(int epochs) => Set(o => o with { Epochs = epochs });

    /// <summary>
    /// A wall-clock budget for the whole fit, validation included. Without <see cref="WithEpochs"/> the run times two
    /// epochs, throws them away and plans the epochs that fit (<see cref="TrainingHistory.PlannedEpochs"/>): the same
    /// seed and that many epochs then repeat it bit for bit.
    /// </summary>
    public TrainerBuilder WithTimeBudget(TimeSpan budget) => Set(o => o with { TimeBudget = budget });

    /// <summary>Device: cpu, cuda or cuda:N.</summary>
    public TrainerBuilder WithDevice(string device) => Set(o => o with { Device = device });

    /// <summary>Seed for dropout, loader order and augmentation.</summary>
    public TrainerBuilder WithSeed(int seed) => Set(o => o with { Seed = seed });

    /// <summary>Threads torch computes with (process-wide setting).</summary>
    public TrainerBuilder WithThreads(int threads) => Set(o => o with { Threads = threads });

    /// <summary>Loader worker threads and prefetch depth.</summary>
    public TrainerBuilder WithWorkers(int workerThreads, int prefetchBatches = 3) => Set(o => o with { WorkerThreads = workerThreads, PrefetchBatches = prefetchBatches });

    /// <summary>Keep decoded images in memory after the first epoch.</summary>
    public TrainerBuilder WithInMemoryCache(bool enabled = true) => Set(o => o with { CacheInMemory = enabled });

    /// <summary>Learning-rate schedule.</summary>
    public TrainerBuilder WithSchedule(LearningRateSchedule schedule) => Set(o => o with { Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule)) });

    /// <summary>Clip gradients to a global norm.</summary>
    public TrainerBuilder WithGradientClipping(double maxNorm) => Set(o => o with { GradientClipNorm = maxNorm });

    /// <summary>Training-time augmentation.</summary>
    public TrainerBuilder WithAugmentation(IImageAugmentation? augmentation) => Set(o => o with { Augmentation = augmentation });

    /// <summary>The preprocessing the datasets apply, stored in checkpoints.</summary>
    public TrainerBuilder WithPreprocessing(PreprocessingOptions preprocessing) => Set(o => o with { Preprocessing = preprocessing });

    /// <summary>Adds callbacks, called in the order given.</summary>
    public TrainerBuilder WithCallbacks(params ITrainingCallback[] callbacks) => Set(o => o with { Callbacks = [.. o.Callbacks, .. callbacks] });

    /// <summary>Logger for per-epoch lines and warnings.</summary>
    public TrainerBuilder WithLogger(ILogger logger) => Set(o => o with { Logger = logger ?? throw new ArgumentNullException(nameof(logger)) });

    /// <summary>Changes any option directly.</summary>
    public TrainerBuilder WithOptions(Func<TrainerOptions, TrainerOptions> change) => Set(change);

    /// <summary>
    /// Continues from a checkpoint written with optimizer state: loads its weights into the model (which must have
    /// the same <see cref="ModelSpec"/>), restores the optimizer, schedule, random generator and callback state, and
    /// starts at the next epoch. Preprocessing defaults to the checkpoint's.
    /// </summary>
    public TrainerBuilder ResumeFrom(string checkpointPath) => ResumeFrom(Checkpoint.Read(checkpointPath));

    /// <inheritdoc cref="ResumeFrom(string)"/>
    public TrainerBuilder ResumeFrom(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!checkpoint.CanResume)
            throw new ArgumentException($"checkpoint '{checkpoint.Path}' holds weights only (saveWeightsOnly): it cannot resume training", nameof(checkpoint));
        resume = checkpoint;
        return Set(o => o with { Preprocessing = o.Preprocessing ?? checkpoint.Preprocessing });
    }

    /// <summary>Checks the options and creates the trainer (moving the model to the device).</summary>
    public Trainer Build()
    {
        if (built) throw new InvalidOperationException("this TrainerBuilder has already built a Trainer; builders are single-use");
        options.Validate();
        var keys = options.Callbacks.OfType<IStatefulCallback>().GroupBy(c => c.StateKey).FirstOrDefault(g => g.Count() > 1);
        if (keys is not null) throw new ArgumentException($"two callbacks share the state key '{keys.Key}'", nameof(TrainerOptions.Callbacks));
        built = true;
        return new Trainer(model, options, resume);
    }
}
