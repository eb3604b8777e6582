using GalaxyMorphology.Imaging;
using GalaxyMorphology.Models;

namespace GalaxyMorphology.Training;

/// <summary>How the validation set is taken from a labelled folder.</summary>
public enum ValidationSplitKind
{
    /// <summary>A seeded random fraction (the default: the Kaggle file is not ordered by morphology, but be safe).</summary>
    Random,

    /// <summary>The first fraction in the labels file's order, as the seed notebook did.</summary>
    First,
}

/// <summary>
/// A complete, named way to train: model, preprocessing, augmentation, optimizer, schedule, split and budget.
/// <see cref="Cpu"/> is the best recipe we know for a CPU and a small data set; <see cref="Notebook"/> reproduces the
/// seed Keras notebook exactly, so users can compare. Run one with <see cref="TrainingRun.Run"/>; change any part with
/// <c>with</c>.
/// </summary>
public sealed record TrainingRecipe
{
    /// <summary>The name shown in logs and reports.</summary>
    public string Name { get; init; } = "custom";

    /// <summary>The architecture: vanilla, batchnorm, highdropout, deeper or compact (or the name of <see cref="Model"/> when that is set).</summary>
    public string Variant { get; init; } = "compact";

    /// <summary>A custom architecture (a layer table); when set it replaces <see cref="Variant"/>. Its input size and head come from this recipe.</summary>
    public ModelSpec? Model { get; init; }

    /// <summary>Independent copies of the network trained side by side and averaged at prediction (see <see cref="ModelSpec.Members"/>).</summary>
    public int Members { get; init; } = 1;

    /// <summary>The output head.</summary>
    public OutputHead Head { get; init; } = OutputHead.Sigmoid;

    /// <summary>How images become the network's input; its <see cref="PreprocessingOptions.Size"/> is the model's input size.</summary>
    public PreprocessingOptions Preprocessing { get; init; } = new();

    /// <summary>When set, per-channel mean and standard deviation are measured on the training images (never the validation ones).</summary>
    public bool StandardizeFromTrainingImages { get; init; }

    /// <summary>Random augmentation of training images; null for none.</summary>
    public AugmentationOptions? Augmentation { get; init; }

    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>The (peak) learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decoupled or L2 weight decay, depending on the optimizer.</summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// The number type of the training computation (<see cref="Models.TrainingPrecision"/>): float32, bfloat16 mixed
    /// precision with float32 weights, or auto (bfloat16 where the CPU computes it natively, float32 elsewhere; a new
    /// recipe's default is float32, <see cref="Cpu"/>'s auto). Evaluation, prediction and checkpoints are float32 either way.
    /// </summary>
    public TrainingPrecision Precision { get; init; }

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Epochs to train; null when a <see cref="TimeBudget"/> decides.</summary>
    public int? Epochs { get; init; } = 10;

    /// <summary>Wall-clock training budget; null for none.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>The learning-rate schedule.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant();

    /// <summary>The fraction of the labelled galaxies held out for validation (and best-checkpoint choice).</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>
    /// The fraction of the run (0..1) after which <c>best.ckpt</c> starts afresh, so that it holds the best epoch of the
    /// annealed end of the schedule (see <see cref="Callbacks.ModelCheckpoint"/>'s <c>bestFrom</c>); 0 keeps the best
    /// epoch of the whole run, as Keras does.
    /// </summary>
    public double BestCheckpointFrom { get; init; }

    /// <summary>How the validation set is chosen.</summary>
    public ValidationSplitKind Split { get; init; } = ValidationSplitKind.Random;

    /// <summary>Keep decoded, preprocessed images in memory after the first epoch (right for small sets).</summary>
    public bool CacheInMemory { get; init; } = true;

    /// <summary>Whether evaluation and prediction should average 32 views of each image, the 8 rotations and flips of four slightly turned and zoomed copies (<see cref="Inference.TestTimeAugmentation"/>; the recommended default for this recipe).</summary>
    public bool TestTimeAugmentation { get; init; }

    /// <summary>
    /// Built-in weights (a <see cref="Training.PretrainedWeights"/> name) that a new run starts from instead of a random
    /// initialisation; null for a random start. The recipe's model must be the one the weights were trained for (the
    /// <see cref="Cpu"/> recipe's, unchanged: change its model, input size or head and set this to null); in an ensemble
    /// they go into each member they fit (<see cref="Training.PretrainedWeights.LoadInto"/>), and at least one must. A
    /// run given <see cref="TrainingRunOptions.InitialWeights"/> or resuming ignores it.
    /// </summary>
    public string? PretrainedWeights { get; init; }

    /// <summary>
    /// The CPU recipe's network: four 3×3 'same' convolutions (32, 64, 128, 128 channels), each followed by BatchNorm,
    /// ReLU and a 2×2 max-pool, then Dense 256 with dropout 0.5 and 37 outputs (775k parameters at 64 px), with
    /// PyTorch's default initialisation (better than Keras's here), and predictions projected onto the decision tree's
    /// sum rules (<see cref="Taxonomy.TreeProjection"/>). On a few
    /// thousand galaxies and minutes of CPU it learns faster than the compact variant (docs/results.md).
    /// </summary>
    public static ModelSpec CpuNet { get; } = new()
    {
        Variant = "cpunet",
        InputSize = 64,
        Features =
        [
            LayerSpec.Conv(32, 3, padding: 1), LayerSpec.MaxPool(2, 2),
            LayerSpec.Conv(64, 3, padding: 1), LayerSpec.MaxPool(2, 2),
            LayerSpec.Conv(128, 3, padding: 1), LayerSpec.MaxPool(2, 2),
            LayerSpec.Conv(128, 3, padding: 1), LayerSpec.MaxPool(2, 2),
        ],
        HiddenUnits = [256],
        Dropout = 0.5,
        BatchNorm = BatchNormPlacement.BeforeRelu,
        Initialization = WeightInitialization.PyTorch,
        ProjectOntoTree = true,
    };

    /// <summary>
    /// The recommended CPU recipe: <see cref="CpuNet"/> on a 160 px centre crop resized to 64 px (antialiased bilinear,
    /// softer than Lanczos-3 and better here), pixels standardised
    /// with statistics of the training images, <see cref="AugmentationOptions.Mild"/> augmentation with a wider zoom
    /// (1/1.25 .. 1.25 instead of 1/1.1 .. 1.1), AdamW (decoupled
    /// weight decay 0.3) with cosine decay over a 15-minute budget, batch 32, bfloat16 mixed precision where the CPU
    /// computes it natively (<see cref="TrainingPrecision.Auto"/>; float32 elsewhere), 2% validation (small sets need every galaxy for training), <c>best.ckpt</c> taken
    /// from the last 5% of the budget (<see cref="BestCheckpointFrom"/>, where the learning rate is under 1% of its peak,
    /// so it is in effect the annealed end of the run rather than an epoch picked on a few dozen galaxies), and 32-view test-time augmentation, starting
    /// from weights pre-trained on synthetic galaxies (<see cref="PretrainedWeights.CpuNetSynthetic"/>). See
    /// docs/results.md for what each part is worth.
    /// </summary>
    public static TrainingRecipe Cpu { get; } = new()
    {
        Name = "cpu",
        Variant = "cpunet",
        Model = CpuNet,
        Head = OutputHead.Sigmoid,
        Preprocessing = PreprocessingOptions.CompactCrop with { CropSize = 160, Filter = ResizeFilter.Bilinear },
        StandardizeFromTrainingImages = true,
        Augmentation = AugmentationOptions.Mild with { MaxZoom = 0.25 },
        Optimizer = OptimizerKind.AdamW,
        LearningRate = 1e-3,
        WeightDecay = 0.3,
        BatchSize = 32,
        Precision = TrainingPrecision.Auto,
        Epochs = null,
        TimeBudget = TimeSpan.FromMinutes(15),
        Schedule = LearningRateSchedule.Cosine(),
        ValidationFraction = 0.02,
        BestCheckpointFrom = 0.95,
        Split = ValidationSplitKind.Random,
        TestTimeAugmentation = true,
        PretrainedWeights = Training.PretrainedWeights.CpuNetSynthetic,
    };


    /// <summary>
    /// The seed notebook's recipe, exactly: BatchNorm AlexNet (BatchNorm after ReLU), 224 px Lanczos resize, raw 0..255
    /// pixels, sigmoid outputs, Adam 1e-3, MSE, batch 128, the first 20% as validation, no augmentation.
    /// </summary>
    public static TrainingRecipe Notebook { get; } = new()
    {
        Name = "notebook",
        Variant = "batchnorm",
        Head = OutputHead.Sigmoid,
        Preprocessing = PreprocessingOptions.Notebook,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 1e-3,
        BatchSize = 128,
        Epochs = 10,
        Schedule = LearningRateSchedule.Constant(),
        ValidationFraction = 0.2,
        Split = ValidationSplitKind.First,
        TestTimeAugmentation = false,
    };

    /// <summary>The recipe called <paramref name="name"/> (cpu or notebook).</summary>
    /// <exception cref="ArgumentException">The name is not a preset.</exception>
    public static TrainingRecipe Named(string name) => name?.ToLowerInvariant() switch
    {
        "cpu" => Cpu,
        "notebook" => Notebook,
        _ => throw new ArgumentException($"unknown recipe '{name}'; presets: cpu, notebook", nameof(name)),
    };

    /// <summary>The names accepted for <see cref="Variant"/>.</summary>
    public static IReadOnlyList<string> Variants { get; } = ["vanilla", "batchnorm", "highdropout", "deeper", "compact"];

    /// <summary>
    /// A model builder for <see cref="Variant"/> (or <see cref="Model"/>) at the preprocessing size with <see cref="Head"/>
    /// (rotated views keep their share of the image: <see cref="ModelBuilder.WithInputSize"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The variant is unknown.</exception>
    public ModelBuilder CreateModelBuilder() => (Model is null ? ModelFor(Variant) : ModelBuilder.FromSpec(Model))
        .WithInputSize(Preprocessing.Size)
        .WithOutputHead(Head)
        .WithMembers(Members);

    /// <summary>A builder for a variant name (vanilla, batchnorm, highdropout, deeper, compact).</summary>
    /// <exception cref="ArgumentException">The variant is unknown.</exception>
    public static ModelBuilder ModelFor(string variant) => variant?.ToLowerInvariant() switch
    {
        "vanilla" => ModelBuilder.AlexNet(AlexNetVariant.Vanilla),
        "batchnorm" => ModelBuilder.AlexNet(AlexNetVariant.BatchNorm),
        "highdropout" => ModelBuilder.AlexNet(AlexNetVariant.HighDropout),
        "deeper" => ModelBuilder.AlexNet(AlexNetVariant.Deeper),
        "compact" => ModelBuilder.Compact(),
        _ => throw new ArgumentException($"unknown variant '{variant}'; variants: {string.Join(", ", Variants)}", nameof(variant)),
    };

    /// <summary>Checks the recipe; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        if (Model is null && !Variants.Contains(Variant?.ToLowerInvariant() ?? "")) throw new ArgumentException($"unknown variant '{Variant}'; variants: {string.Join(", ", Variants)}", nameof(Variant));
        ArgumentNullException.ThrowIfNull(Preprocessing);
        // statistics measured at run time are not there yet
        (StandardizeFromTrainingImages ? Preprocessing with { Scaling = PixelScaling.UnitRange, Mean = null, Std = null } : Preprocessing).Validate();
        if (Members is < 1 or > 32) throw new ArgumentException($"ensemble members must be between 1 and 32, got {Members}", nameof(Members));
        if (BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {BatchSize}", nameof(BatchSize));
        if (!Enum.IsDefined(Precision)) throw new ArgumentException($"unknown training precision '{Precision}'; precisions: auto, float32, bfloat16", nameof(Precision));
        if (Epochs is < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}", nameof(Epochs));
        if (TimeBudget is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"the time budget must be positive, got {t}", nameof(TimeBudget));
        if (Epochs is null && TimeBudget is null) throw new ArgumentException("give epochs, a time budget, or both", nameof(Epochs));
        if (!(ValidationFraction > 0 && ValidationFraction < 1)) throw new ArgumentException($"the validation fraction must lie in (0, 1), got {ValidationFraction}", nameof(ValidationFraction));
        if (!(BestCheckpointFrom >= 0 && BestCheckpointFrom < 1)) throw new ArgumentException($"BestCheckpointFrom must lie in [0, 1), got {BestCheckpointFrom}", nameof(BestCheckpointFrom));
        if (PretrainedWeights is not null) Training.PretrainedWeights.EnsureKnown(PretrainedWeights, nameof(PretrainedWeights));
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"the learning rate must be positive, got {LearningRate}", nameof(LearningRate));
    }
}
