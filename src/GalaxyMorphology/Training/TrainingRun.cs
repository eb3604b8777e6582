using System.Text.Json;
using System.Text.Json.Nodes;
using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Models;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Platform;
using GalaxyMorphology.Training.Callbacks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GalaxyMorphology.Training;

/// <summary>Where a run's files go and what else it needs besides the recipe.</summary>
public sealed record TrainingRunOptions
{
    /// <summary>The random seed (order, augmentation, initial weights, split).</summary>
    public int Seed { get; init; }

    /// <summary>cpu or cuda[:N].</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>CPU threads for TorchSharp; null leaves the process setting alone.</summary>
    public int? Threads { get; init; }

    /// <summary>A checkpoint (normally the run's last.ckpt) to continue from; its spec and preprocessing win over the recipe's.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// A checkpoint whose weights start this run (fine-tuning, e.g. after pre-training on synthetic galaxies): unlike
    /// <see cref="ResumeFrom"/>, the optimizer, the schedule, the epochs and the pixel statistics start afresh. Its model
    /// must match the recipe's.
    /// </summary>
    public string? InitialWeights { get; init; }

    /// <summary>Where progress and epoch lines are logged.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>More callbacks after the run's own (best and last checkpoints, CSV log, NaN guard).</summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];

    /// <summary>The clock the time budget reads (<see cref="TrainerOptions.TimeProvider"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>What a finished (or cancelled) run produced.</summary>
/// <param name="History">Per-epoch metrics and why training stopped.</param>
/// <param name="BestCheckpoint">The checkpoint of the best validation loss (null if no epoch finished).</param>
/// <param name="LastCheckpoint">The checkpoint of the last finished epoch, for resuming (null if none).</param>
/// <param name="HistoryCsv">The CSV log of the epochs.</param>
/// <param name="Train">The training part of the split.</param>
/// <param name="Validation">The validation part of the split.</param>
/// <param name="Preprocessing">The preprocessing the model was trained with (statistics included).</param>
public sealed record TrainingRunResult(TrainingHistory History, string? BestCheckpoint, string? LastCheckpoint, string HistoryCsv,
    IGalaxyDataset Train, IGalaxyDataset Validation, PreprocessingOptions Preprocessing);

/// <summary>
/// Runs a <see cref="TrainingRecipe"/> on a Kaggle-layout folder: opens and checks the data, splits off the validation
/// set, measures normalisation statistics on the training images only, builds the model, and trains with the run
/// folder's standard files: <c>best.ckpt</c> (best <c>val_loss</c>), <c>last.ckpt</c> (every epoch, for resuming),
/// <c>history.csv</c> and <c>recipe.json</c>. All files are written atomically.
/// </summary>
public static class TrainingRun
{
    /// <summary>The best checkpoint's file name inside the run folder.</summary>
    public const string BestFileName = "best.ckpt";

    /// <summary>The last checkpoint's file name inside the run folder.</summary>
    public const string LastFileName = "last.ckpt";

    /// <summary>The epoch log's file name inside the run folder.</summary>
    public const string HistoryFileName = "history.csv";

    /// <summary>Opens <paramref name="dataFolder"/>, trains with <paramref name="recipe"/> and writes into <paramref name="runFolder"/>.</summary>
    /// <exception cref="ArgumentException">The recipe or an option is invalid.</exception>
    /// <exception cref="GalaxyDataException">The data folder is unusable (the message names the file and row).</exception>
    public static TrainingRunResult Run(TrainingRecipe recipe, string dataFolder, string runFolder, TrainingRunOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(runFolder);
        options ??= new TrainingRunOptions();
        recipe.Validate();
        Directory.CreateDirectory(runFolder);
        var logger = options.Logger;

        if (options.ResumeFrom is not null && options.InitialWeights is not null)
            throw new ArgumentException("give either ResumeFrom (continue a run) or InitialWeights (start a new run from weights), not both", nameof(options));
        var resume = options.ResumeFrom is null ? null : Checkpoint.Read(options.ResumeFrom);
        // The recipe's built-in weights start a new run unless a checkpoint's weights are given.
        var pretrained = resume is null && options.InitialWeights is null ? recipe.PretrainedWeights : null;
        if (pretrained is not null)
        {
            // Checked before any data is read: the built-in weights fit only the model they were trained for.
            var differences = PretrainedWeights.SpecDifferences(pretrained, recipe.CreateModelBuilder().Spec);
            if (differences.Count > 0)
                throw new ArgumentException($"recipe '{recipe.Name}' starts from the pretrained weights '{pretrained}', made for another model " +
                    $"({string.Join("; ", differences)}): set PretrainedWeights to null (galaxy train: --init-weights none) to start from random weights", nameof(recipe));
        }
        var initial = options.InitialWeights is not null ? Checkpoint.Read(options.InitialWeights) : null;
        // Auto becomes bfloat16 or float32 here, once, so the log and recipe.json say what the run computes in.
        var precision = recipe.Precision.Resolve(TorchRuntime.Device(options.Device));
        var preprocessing = resume?.Preprocessing ?? recipe.Preprocessing;
        var measure = resume is null && recipe.StandardizeFromTrainingImages;
        if (measure) preprocessing = preprocessing with { Scaling = PixelScaling.UnitRange, Mean = null, Std = null };
        var dataset = KaggleGalaxyDataset.Open(dataFolder, preprocessing, logger: logger);
        var (train, validation) = Split(recipe, dataset, options.Seed);
        if (measure)
        {
            // Statistics of the training part only; then the same galaxies, standardised, split again with the same seed.
            var stats = PixelStatistics.Compute(train, preprocessing, cancellationToken: cancellationToken);
            preprocessing = stats.ApplyTo(preprocessing);
            logger.LogInformation("pixel statistics of {Count} training images: mean {Mean}, std {Std}", stats.ImageCount,
                string.Join(' ', stats.Mean.Select(v => v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture))),
                string.Join(' ', stats.Std.Select(v => v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture))));
            (train, validation) = Split(recipe, dataset.WithPreprocessing(preprocessing), options.Seed);
        }

        var best = Path.Combine(runFolder, BestFileName);
        var last = Path.Combine(runFolder, LastFileName);
        var csv = Path.Combine(runFolder, HistoryFileName);
        WriteRecipe(Path.Combine(runFolder, "recipe.json"), recipe, precision, preprocessing, options, pretrained, dataFolder, train.Count, validation.Count);

        // The seed decides the random initial weights too (the trainer reseeds for dropout when it starts).
        if (resume is null) TorchSharp.torch.manual_seed(options.Seed);
        using var model = resume is null ? recipe.CreateModelBuilder().Build() : resume.BuildModel();
        if (initial is not null)
        {
            initial.LoadWeightsInto(model);
            logger.LogInformation("starting from the weights of {Weights}", options.InitialWeights);
        }
        else if (pretrained is not null)
        {
            var loaded = PretrainedWeights.LoadInto(pretrained, model);
            logger.LogInformation("starting from the pretrained weights '{Weights}' (trained on synthetic galaxies){Members}", pretrained,
                model.Members.Count == 0 || loaded == model.Members.Count ? "" : $" in {loaded} of the {model.Members.Count} members; the others from random weights");
        }
        model.TrainingPrecision = precision;
        if (recipe.Precision == TrainingPrecision.Auto)
            logger.LogInformation("training precision auto: {Precision}", precision == TrainingPrecision.BFloat16
                ? "bfloat16 mixed precision (this CPU computes bfloat16 natively)"
                : "float32 (no native bfloat16 on this device; Precision = BFloat16 forces it)");
        var builder = Trainer.For(model)
            .WithOptimizer(recipe.Optimizer, recipe.LearningRate, recipe.WeightDecay)
            .WithBatchSize(recipe.BatchSize)
            .WithSchedule(recipe.Schedule)
            .WithDevice(options.Device)
            .WithSeed(options.Seed)
            .WithInMemoryCache(recipe.CacheInMemory)
            .WithPreprocessing(preprocessing)
            .WithLogger(logger)
            .WithCallbacks(
                new TerminateOnNaN(),
                new ModelCheckpoint(best, "val_loss", MonitorMode.Min, saveBestOnly: true, bestFrom: recipe.BestCheckpointFrom),
                new ModelCheckpoint(last),
                new CsvLogger(csv, append: resume is not null))
            .WithCallbacks([.. options.Callbacks])
            .WithOptions(o => o with { TimeProvider = options.TimeProvider });
        if (recipe.Epochs is int epochs) builder = builder.WithEpochs(epochs);
        if (recipe.TimeBudget is TimeSpan budget) builder = builder.WithTimeBudget(budget);
        if (options.Threads is int threads) builder = builder.WithThreads(threads);
        if (recipe.Augmentation is { } augmentation) builder = builder.WithAugmentation(new GalaxyAugmentation(augmentation));
        if (resume is not null) builder = builder.ResumeFrom(resume);

        using var trainer = builder.Build();
        var history = trainer.Fit(train, validation, progress, cancellationToken);
        return new TrainingRunResult(history, File.Exists(best) ? best : null, File.Exists(last) ? last : null, csv, train, validation, preprocessing);
    }

    /// <summary>Opens a Kaggle-layout folder and splits it the way <paramref name="recipe"/> says (deterministic for a seed).</summary>
    public static (IGalaxyDataset Train, IGalaxyDataset Validation) OpenAndSplit(TrainingRecipe recipe, string dataFolder, PreprocessingOptions preprocessing,
        int seed, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return Split(recipe, KaggleGalaxyDataset.Open(dataFolder, preprocessing, logger: logger), seed);
    }

    private static (IGalaxyDataset Train, IGalaxyDataset Validation) Split(TrainingRecipe recipe, IGalaxyDataset dataset, int seed) =>
        recipe.Split == ValidationSplitKind.First
            ? DatasetSplit.First(dataset, recipe.ValidationFraction)
            : DatasetSplit.Random(dataset, recipe.ValidationFraction, seed);

    private static void WriteRecipe(string path, TrainingRecipe recipe, TrainingPrecision precision, PreprocessingOptions preprocessing, TrainingRunOptions options,
        string? pretrained, string dataFolder, int trainCount, int validationCount)
    {
        var json = new JsonObject
        {
            ["recipe"] = recipe.Name,
            ["variant"] = recipe.Variant,
            ["members"] = recipe.Members,
            ["head"] = recipe.Head.ToString(),
            ["data"] = Path.GetFullPath(dataFolder),
            ["trainCount"] = trainCount,
            ["validationCount"] = validationCount,
            ["validationSplit"] = recipe.Split.ToString(),
            ["validationFraction"] = recipe.ValidationFraction,
            ["bestCheckpointFrom"] = recipe.BestCheckpointFrom,
            ["seed"] = options.Seed,
            ["batchSize"] = recipe.BatchSize,
            ["precision"] = precision.ToString(),
            ["precisionSetting"] = recipe.Precision.ToString(),
            ["epochs"] = recipe.Epochs,
            ["minutes"] = recipe.TimeBudget?.TotalMinutes,
            ["optimizer"] = recipe.Optimizer.ToString(),
            ["learningRate"] = recipe.LearningRate,
            ["schedule"] = recipe.Schedule.Kind.ToString(),
            ["augmentation"] = recipe.Augmentation is null ? null : JsonSerializer.SerializeToNode(recipe.Augmentation),
            ["preprocessing"] = JsonSerializer.SerializeToNode(preprocessing),
            ["testTimeAugmentation"] = recipe.TestTimeAugmentation,
            ["resumedFrom"] = options.ResumeFrom,
            ["initialWeights"] = options.InitialWeights,
            ["pretrainedWeights"] = pretrained,
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
