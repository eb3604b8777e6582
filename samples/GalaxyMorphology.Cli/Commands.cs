using System.Globalization;
using System.Text.Json.Nodes;
using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Platform;
using GalaxyMorphology.Reporting;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Training;

namespace GalaxyMorphology.Cli;

/// <summary>galaxy synth: writes a synthetic data set in the Kaggle layout.</summary>
internal sealed class SynthCommand : ICliCommand
{
    public string Name => "synth";
    public string Summary => "render a synthetic Galaxy Zoo data set in the Kaggle layout";
    public string Usage => "galaxy synth --out DIR [--count N] [--test-count M] [--size 424] [--seed S] [--difficulty easy|standard|hard] [--overwrite]";
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("out", "DIR", "folder to write (images_training_rev1/, training_solutions_rev1.csv, ...)"),
        new("count", "N", "labelled training galaxies", "2000"),
        new("test-count", "M", "galaxies in images_test_rev1/ (with test_solutions_rev1.csv)", "0"),
        new("size", "PX", "image side in pixels", "424"),
        new("seed", "S", "random seed", "1"),
        new("difficulty", "D", "easy, standard or hard", "standard"),
        new("overwrite", null, "replace a previous synthetic folder"),
        new("json", null, "print a JSON result line last"),
    ];

    public int Run(ParsedArgs args, CliContext context)
    {
        var options = new SyntheticWriterOptions
        {
            Count = args.Int("count", 2000, 1, 10_000_000),
            TestCount = args.Int("test-count", 0, 0, 10_000_000),
            Size = args.Int("size", 424, 16, 4096),
            Seed = args.Int("seed", 1),
            Difficulty = Enum.Parse<SyntheticDifficulty>(args.Choice("difficulty", "standard", "easy", "standard", "hard"), ignoreCase: true),
            Overwrite = args.Has("overwrite"),
        };
        var folder = args.Required("out");
        var total = options.Count + options.TestCount;
        var shown = 0;
        var progress = new SynchronousProgress<int>(done =>
        {
            var percent = 100 * done / Math.Max(1, total);
            if (percent >= shown + 10 || done == total) { shown = percent; context.Say($"  {done}/{total} images"); }
        });
        var result = SyntheticKaggleWriter.Write(folder, options, progress, cancellationToken: context.CancellationToken);
        context.Say($"wrote {result.TrainingCount} training and {result.TestCount} test galaxies to {result.Folder} in {result.Seconds:0.0}s");
        if (context.Json)
            context.Result(new JsonObject { ["folder"] = result.Folder, ["trainingCount"] = result.TrainingCount, ["testCount"] = result.TestCount, ["seconds"] = Math.Round(result.Seconds, 2) });
        return GalaxyCli.Success;
    }
}

/// <summary>galaxy summary: prints a model's layer table.</summary>
internal sealed class SummaryCommand : ICliCommand
{
    public string Name => "summary";
    public string Summary => "print a model's layers, output shapes and parameter counts";
    public string Usage => "galaxy summary [--variant vanilla|batchnorm|highdropout|deeper|compact] [--size N] [--head sigmoid|tree|linear] [--json]";
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("variant", "V", "vanilla, batchnorm, highdropout, deeper or compact", "batchnorm"),
        new("size", "N", "input side in pixels (default: 224 for the AlexNets, 64 for compact)"),
        new("head", "H", "output head: sigmoid, tree or linear", "sigmoid"),
        new("json", null, "print a JSON result line last"),
    ];

    public int Run(ParsedArgs args, CliContext context)
    {
        var variant = args.Choice("variant", "batchnorm", [.. TrainingRecipe.Variants]);
        var builder = TrainingRecipe.ModelFor(variant).WithOutputHead(CliParsing.Head(args));
        if (args.OptionalInt("size", 1, 4096) is int size) builder = builder.WithInputSize(size);
        using var model = builder.Build();
        var summary = model.Summary();
        context.Say(summary.ToText());
        if (context.Json)
        {
            context.Result(new JsonObject
            {
                ["variant"] = variant,
                ["inputSize"] = model.Spec.InputSize,
                ["trainableParameters"] = summary.TrainableParameters,
                ["nonTrainableParameters"] = summary.NonTrainableParameters,
                ["outputShape"] = new JsonArray(null, model.Spec.OutputCount),
            });
        }
        return GalaxyCli.Success;
    }
}

/// <summary>galaxy train: runs a recipe on a Kaggle-layout folder.</summary>
internal sealed class TrainCommand : ICliCommand
{
    public string Name => "train";
    public string Summary => "train on a Kaggle-layout folder; writes best.ckpt, last.ckpt, history.csv and report/ into RUNDIR";
    public string Usage => "galaxy train --data DIR --out RUNDIR [--preset cpu|notebook] [--variant V] [--views 0|4|8] [--members K] [--member-views 0,4] [--size N] [--epochs N] [--minutes M] [--batch B] [--precision auto|float32|bfloat16] [--seed S] [--val-fraction F] [--resume | --init-weights CKPT|none] [--json]";
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("data", "DIR", "Kaggle-layout folder (training_solutions_rev1.csv + images_training_rev1/)"),
        new("out", "RUNDIR", "run folder to write"),
        new("preset", "P", "cpu (best known CPU recipe) or notebook (the seed notebook's recipe exactly)", "cpu"),
        new("variant", "V", "override the preset's model: vanilla, batchnorm, highdropout, deeper or compact (cpu preset: its own 'cpunet')"),
        new("members", "K", "train an ensemble of K independent copies of the model (predictions are their mean)"),
        new("member-views", "LIST", "cpu preset: a mixed ensemble, one entry per member, each 0 (whole image) or 4 or 8 (rotated views), e.g. 0,4"),
        new("head", "H", "override the output head: sigmoid, tree or linear"),
        new("views", "V", "cpu preset: run the convolutions on 4 or 8 rotated corner views (5/8 of the image wide) with their features averaged; 0 for the whole image", "0"),
        new("size", "N", "override the input size in pixels"),
        new("epochs", "N", "train at most N epochs"),
        new("minutes", "M", "wall-clock training budget in minutes (cpu preset: 15)"),
        new("batch", "B", "batch size"),
        new("lr", "X", "learning rate"),
        new("precision", "P", "training arithmetic: auto (the cpu preset's: bfloat16 where the CPU computes it natively, else float32), float32, or bfloat16 (mixed precision: float32 weights, bfloat16 convolutions; about twice as fast on CPUs with AVX-512 BF16 or AMX)"),
        new("seed", "S", "random seed", "0"),
        new("val-fraction", "F", "fraction of the galaxies held out for validation"),
        new("threads", "N", "CPU threads for TorchSharp"),
        new("device", "D", "cpu or cuda[:N] (needs a CUDA TorchSharp package)", "cpu"),
        new("resume", null, "continue from RUNDIR/last.ckpt"),
        new("init-weights", "CKPT", "start from this checkpoint's weights (fine-tuning; fresh optimizer and schedule; same model); 'none' for random weights (the cpu preset starts from weights pre-trained on synthetic galaxies)"),
        new("no-report", null, "skip the report folder"),
        new("json", null, "print a JSON result line last"),
    ];

    public int Run(ParsedArgs args, CliContext context)
    {
        var data = args.Required("data");
        var run = args.Required("out");
        var recipe = TrainingRecipe.Named(args.Choice("preset", "cpu", "cpu", "notebook"));
        if (args.Get("variant") is not null) recipe = recipe with { Variant = args.Choice("variant", "", [.. TrainingRecipe.Variants]), Model = null };
        if (args.Get("head") is not null) recipe = recipe with { Head = CliParsing.Head(args) };
        if (args.OptionalInt("views", 0, 8) is int views)
        {
            if (views is not (0 or 4 or 8)) throw new UsageException($"--views: {views} is not 0, 4 or 8");
            if (recipe.Model is not { } model) throw new UsageException($"--views works with the cpu preset's own model, not '{recipe.Variant}'");
            recipe = recipe with { Model = ModelBuilder.FromSpec(model).WithRotatedViews(views, pooling: ViewPooling.Mean).Spec };
        }
        if (args.Get("member-views") is { } memberViews)
        {
            if (recipe.Model is not { } model) throw new UsageException($"--member-views works with the cpu preset's own model, not '{recipe.Variant}'");
            var entries = memberViews.Split(',', StringSplitOptions.TrimEntries).Select(v =>
                int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is 0 or 4 or 8 ? n
                    : throw new UsageException($"--member-views: '{v}' in '{memberViews}' is not 0, 4 or 8")).ToArray();
            // The builder checks the rest (count, one view count) and names the values.
            try
            {
                recipe = recipe with { Model = ModelBuilder.FromSpec(model).WithMemberViews(entries).Spec, Members = entries.Length };
            }
            catch (ArgumentException ex)
            {
                throw new UsageException($"--member-views: {ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal)}");
            }
        }
        if (args.OptionalInt("size", 8, 4096) is int size) recipe = recipe with { Preprocessing = recipe.Preprocessing with { Size = size } };
        if (args.OptionalInt("members", 1, 32) is int members) recipe = recipe with { Members = members };
        if (args.OptionalInt("batch", 1, 65536) is int batch) recipe = recipe with { BatchSize = batch };
        if (args.OptionalDouble("lr", 1e-9, 10) is double lr) recipe = recipe with { LearningRate = lr };
        if (args.Get("precision") is not null)
            recipe = recipe with { Precision = Enum.Parse<TrainingPrecision>(args.Choice("precision", "", "auto", "float32", "bfloat16"), ignoreCase: true) };
        if (args.OptionalDouble("val-fraction", 0.0001, 0.9999) is double fraction) recipe = recipe with { ValidationFraction = fraction };
        var epochs = args.OptionalInt("epochs", 1, 1_000_000);
        var minutes = args.OptionalDouble("minutes", 0.001, 1_000_000);
        if (epochs is not null || minutes is not null)
            recipe = recipe with { Epochs = epochs, TimeBudget = minutes is double m ? TimeSpan.FromMinutes(m) : null };
        string? resume = null;
        if (args.Has("resume"))
        {
            resume = Path.Combine(run, TrainingRun.LastFileName);
            if (!File.Exists(resume)) throw new UsageException($"--resume: no {TrainingRun.LastFileName} in '{run}'");
        }
        // The cpu preset starts from weights pre-trained on synthetic galaxies; they fit only its own model, so a changed
        // model (--variant, --views, --size, --head, --members) starts from random weights, as does --init-weights none. A
        // checkpoint given with --init-weights takes their place (TrainingRun ignores them then).
        var initialWeights = args.Get("init-weights");
        if (string.Equals(initialWeights, "none", StringComparison.OrdinalIgnoreCase))
        {
            initialWeights = null;
            recipe = recipe with { PretrainedWeights = null };
        }
        else if (initialWeights is null && resume is null && recipe.PretrainedWeights is { } weights && PretrainedWeights.SpecDifferences(weights, recipe.CreateModelBuilder().Spec).Count > 0)
        {
            context.Say($"the model differs from the '{recipe.Name}' preset's: starting from random weights, not the pretrained '{weights}'");
            recipe = recipe with { PretrainedWeights = null };
        }
        if (initialWeights is not null)
        {
            if (resume is not null) throw new UsageException("--init-weights starts a new run from weights and --resume continues one: give one of them");
            if (!File.Exists(initialWeights)) throw new UsageException($"--init-weights: no checkpoint at '{initialWeights}'");
        }

        var options = new TrainingRunOptions
        {
            Seed = args.Int("seed", 0),
            Device = args.Get("device") ?? "cpu",
            Threads = args.OptionalInt("threads", 1, 1024),
            ResumeFrom = resume,
            InitialWeights = initialWeights,
        };
        context.Say($"training recipe '{recipe.Name}' ({recipe.Variant}, {recipe.Preprocessing.Size} px, batch {recipe.BatchSize}, "
                    + recipe.Precision.Describe(TorchRuntime.Device(options.Device)) + ", "
                    + (recipe.TimeBudget is { } t ? $"{t.TotalMinutes:0.##} min" : $"{recipe.Epochs} epochs") + $") on {data}"
                    + (resume is not null ? ", resuming" : initialWeights is not null ? $", starting from {initialWeights}"
                        : recipe.PretrainedWeights is { } pretrained ? $", starting from the pretrained weights '{pretrained}'" : ", starting from random weights"));
        var result = TrainingRun.Run(recipe, data, run, options, new EpochPrinter(context), context.CancellationToken);
        var history = result.History;
        context.Say($"stopped: {history.StopMessage} after {history.Epochs.Count} epochs in {history.Seconds:0}s");
        if (history.PlannedEpochs is int planned && resume is null)
            context.Say(history.Replanned
                ? "the run planned its epochs again while training (the machine's speed changed), so no --epochs command repeats it exactly"
                : $"the budget planned {planned} epochs: the same command with --epochs {planned} instead of --minutes repeats this run exactly");
        var bestEpoch = history.Best();
        if (result.BestCheckpoint is not null && !args.Has("no-report"))
        {
            using var model = GalaxyModel.Load(result.BestCheckpoint);
            var report = RunReport.Write(Path.Combine(run, "report"), history, model, result.Train, result.Validation, recipe.TestTimeAugmentation,
                context.CancellationToken);
            context.Say(report.Text);
        }
        if (context.Json)
        {
            context.Result(new JsonObject
            {
                ["bestCheckpoint"] = result.BestCheckpoint is null ? null : Path.GetFullPath(result.BestCheckpoint),
                ["epochs"] = history.Epochs.Count,
                ["bestValRmse"] = bestEpoch is null ? null : Math.Round(bestEpoch.ValRmse, 6),
                ["seconds"] = Math.Round(history.Seconds, 1),
            });
        }
        return result.BestCheckpoint is null ? GalaxyCli.Failure : GalaxyCli.Success;
    }

    private sealed class EpochPrinter(CliContext context) : IProgress<TrainingProgress>
    {
        private int printed;
        // A run given only --minutes first times itself ("timing" progress). Its first training batch then says whether
        // that gave a plan: a planned run reports its planned epochs, one that follows the clock reports 0 (not yet
        // estimated), as it does when the timing ran out of its share of the budget, even in the last timing batch.
        private bool timing, planSaid;

        public void Report(TrainingProgress value)
        {
            if (value.Phase == "timing" && !timing)
            {
                timing = true;
                context.Say($"timing {value.TotalEpochs} epochs to plan the budget (their training is then thrown away)");
            }
            if (value.Phase == "train" && timing && !planSaid)
            {
                planSaid = true;
                context.Say(value.TotalEpochs > 0
                    ? $"planned {value.TotalEpochs} epochs for the budget"
                    : "too few epochs fit the budget to plan them: the learning rate follows the clock (such a run cannot be repeated exactly)");
            }
            if (value.LastEpoch is { } e && e.Epoch > printed)
            {
                printed = e.Epoch;
                context.Say(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {e.Epoch,3}  loss {e.Loss:0.00000}  rmse {e.Rmse:0.00000}  val_rmse {e.ValRmse:0.00000}  lr {e.LearningRate:0.0e+0}  {e.Seconds:0.0}s  {e.ImagesPerSecond:0} img/s"));
            }
        }
    }
}

/// <summary>galaxy evaluate: RMSE of a checkpoint on a labelled folder.</summary>
internal sealed class EvaluateCommand : ICliCommand
{
    public string Name => "evaluate";
    public string Summary => "RMSE (overall, per question, per column) of a checkpoint on a labelled Kaggle-layout folder";
    public string Usage => "galaxy evaluate --model CKPT[,CKPT...] --data DIR [--tta] [--json]";
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("model", "CKPT", "checkpoint file (best.ckpt); several, comma-separated, are averaged"),
        new("data", "DIR", "Kaggle-layout folder with labels"),
        new("tta", null, "average 32 views: the 8 rotations and flips of four copies turned 5° either way, zoomed to 0.93 and 1.03"),
        new("batch", "B", "batch size", "64"),
        new("json", null, "print a JSON result line last"),
    ];

    public int Run(ParsedArgs args, CliContext context)
    {
        var paths = CliParsing.ExistingFiles(args, "model");
        GalaxyLabels? labels = null; // the same file whichever model opens it
        var predictions = CliParsing.PredictWithModels(args, context, paths, preprocessing =>
        {
            var dataset = KaggleGalaxyDataset.Open(args.Required("data"), preprocessing);
            labels ??= dataset.Labels;
            return dataset;
        });
        var report = PredictionEnsemble.Evaluate(predictions, labels!);
        if (paths.Count > 1) context.Say($"the mean of {paths.Count} models' predictions:");
        context.Say(report.ToText());
        if (context.Json)
        {
            var questions = new JsonObject();
            foreach (var (name, value) in report.Questions) questions[name] = Math.Round(value, 6);
            context.Result(new JsonObject { ["count"] = report.Count, ["rmse"] = Math.Round(report.Rmse, 6), ["questions"] = questions });
        }
        return GalaxyCli.Success;
    }
}

/// <summary>galaxy predict: a Kaggle submission file for a folder of images.</summary>
internal sealed class PredictCommand : ICliCommand
{
    public string Name => "predict";
    public string Summary => "predict every image of a folder and write a Kaggle submission CSV";
    public string Usage => "galaxy predict --model CKPT[,CKPT...] --images DIR --out FILE.csv [--tta] [--json]";
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("model", "CKPT", "checkpoint file (best.ckpt); several, comma-separated, are averaged"),
        new("images", "DIR", "folder of <GalaxyID>.jpg images"),
        new("out", "FILE", "submission CSV to write (atomically)"),
        new("tta", null, "average 32 views: the 8 rotations and flips of four copies turned 5° either way, zoomed to 0.93 and 1.03"),
        new("batch", "B", "batch size", "64"),
        new("json", null, "print a JSON result line last"),
    ];

    public int Run(ParsedArgs args, CliContext context)
    {
        var paths = CliParsing.ExistingFiles(args, "model");
        var output = args.Required("out");
        var predictions = CliParsing.PredictWithModels(args, context, paths, preprocessing => GalaxyImageFolder.Open(args.Required("images"), preprocessing));
        SubmissionWriter.Write(output, predictions);
        context.Say($"wrote {predictions.Count} predictions{(paths.Count > 1 ? $" (the mean of {paths.Count} models)" : "")} to {output}");
        if (context.Json) context.Result(new JsonObject { ["count"] = predictions.Count, ["out"] = Path.GetFullPath(output) });
        return GalaxyCli.Success;
    }
}

/// <summary>galaxy export: a weights-only copy of a checkpoint.</summary>
internal sealed class ExportCommand : ICliCommand
{
    public string Name => "export";
    public string Summary => "write a weights-only copy of a checkpoint (no optimizer state: about a third of the size; predicts, and starts runs via --init-weights)";
    public string Usage => "galaxy export --model CKPT --out FILE [--json]";
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("model", "CKPT", "checkpoint file (best.ckpt or last.ckpt)"),
        new("out", "FILE", "weights-only checkpoint to write (atomically)"),
        new("json", null, "print a JSON result line last"),
    ];

    public int Run(ParsedArgs args, CliContext context)
    {
        var checkpoint = GalaxyMorphology.Persistence.Checkpoint.Read(CliParsing.ExistingFile(args, "model"));
        var output = args.Required("out");
        checkpoint.SaveWeightsOnly(output);
        var bytes = new FileInfo(output).Length;
        context.Say($"wrote the weights of epoch {checkpoint.Epoch} ({checkpoint.Spec.Variant}) to {output} ({bytes / 1048576.0:0.0} MB)");
        if (context.Json) context.Result(new JsonObject { ["out"] = Path.GetFullPath(output), ["bytes"] = bytes });
        return GalaxyCli.Success;
    }
}

/// <summary>Parsing shared by the commands.</summary>
internal static class CliParsing
{
    public static OutputHead Head(ParsedArgs args) => args.Choice("head", "sigmoid", "sigmoid", "tree", "linear") switch
    {
        "tree" => OutputHead.DecisionTree,
        "linear" => OutputHead.Linear,
        _ => OutputHead.Sigmoid,
    };

    public static string ExistingFile(ParsedArgs args, string name)
    {
        var path = args.Required(name);
        return File.Exists(path) ? path : throw new UsageException($"--{name}: file '{path}' does not exist");
    }

    /// <summary>
    /// The predictions of the models at <paramref name="paths"/> (--tta, --batch) on the data <paramref name="open"/>
    /// gives for each model's preprocessing, averaged galaxy by galaxy when there are several.
    /// </summary>
    public static IReadOnlyList<GalaxyPrediction> PredictWithModels(ParsedArgs args, CliContext context, IReadOnlyList<string> paths,
        Func<PreprocessingOptions, IGalaxyDataset> open)
    {
        var sets = new List<IReadOnlyList<GalaxyPrediction>>(paths.Count);
        foreach (var path in paths)
        {
            using var model = GalaxyModel.Load(path);
            sets.Add(model.Predict(open(model.Preprocessing), args.Has("tta"), args.Int("batch", 64, 1, 65536), cancellationToken: context.CancellationToken));
        }
        return sets.Count == 1 ? sets[0] : PredictionEnsemble.Mean(sets);
    }

    /// <summary>One or more comma-separated existing files.</summary>
    public static IReadOnlyList<string> ExistingFiles(ParsedArgs args, string name)
    {
        var paths = args.Required(name).Split(',', StringSplitOptions.TrimEntries);
        foreach (var path in paths)
        {
            if (path.Length == 0) throw new UsageException($"--{name}: an empty file name in '{args.Get(name)}'");
            if (!File.Exists(path)) throw new UsageException($"--{name}: file '{path}' does not exist");
        }
        return paths;
    }
}
