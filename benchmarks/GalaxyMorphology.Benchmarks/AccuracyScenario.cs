using System.Globalization;
using System.Text.Json.Nodes;
using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Training;
using TorchSharp;

namespace GalaxyMorphology.Benchmarks;

/// <summary>
/// RMSE on held-out real galaxies after training a recipe for a time budget: the experiments behind docs/results.md.
/// Trains on --data (Kaggle layout), scores best and last checkpoints on --test, with and without 32-view TTA.
/// </summary>
public sealed class AccuracyScenario : IBenchmarkScenario
{
    public string Name => "accuracy";
    public string Description => "held-out RMSE of the cpu recipe and variations (--data TRAIN --test TEST --minutes M --epochs N --model cpunet|compact|... --init pytorch --filter F --widths C1,C2,.. --convs N|N1,N2,.. --hidden H --dropout P --projection off --members K --precision auto|float32|bfloat16 --views 0|4|8 --view-size S --view-pooling mean|concatenate --head sigmoid|tree --augment mild|none|dihedral|dieleman --rotate D --zoom Z --shift F --brightness B --size S --crop C --batch B --optimizer adam|adamw|sgd --lr X --warmup F --wd X --val-fraction F --threads N --seed S --pretrained none --init-weights CKPT --pretrain SYNTH_DIR --pretrain-minutes M|--pretrain-epochs N --ema D1,D2 --swa-from F)";

    public int Run(BenchmarkArgs args)
    {
        var data = args.DataDir ?? throw new ArgumentException("accuracy needs --data TRAIN_DIR");
        var test = args.Get("test") ?? throw new ArgumentException("accuracy needs --test TEST_DIR (held-out Kaggle-layout folder)");
        var minutes = double.Parse(args.Get("minutes") ?? "8", CultureInfo.InvariantCulture);
        var recipe = TrainingRecipe.Cpu with { TimeBudget = TimeSpan.FromMinutes(minutes), Epochs = args.GetInt("epochs") };
        // every option changes one part of the cpu recipe; the model and augmentation start from the preset's
        void Model(Func<ModelSpec, ModelSpec> change) => recipe = recipe with { Model = change(recipe.Model ?? TrainingRecipe.CpuNet) };
        void Augment(Func<AugmentationOptions, AugmentationOptions> change) => recipe = recipe with { Augmentation = change(recipe.Augmentation ?? AugmentationOptions.Mild) };
        double? Number(string name) => args.Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : null;

        if (args.Get("model") is { } m && m != "cpunet") recipe = recipe with { Variant = m, Model = null };
        if (args.Get("init") is "pytorch") Model(s => s with { Initialization = WeightInitialization.PyTorch });
        if (args.Get("filter") is { } filter) recipe = recipe with { Preprocessing = recipe.Preprocessing with { Filter = Enum.Parse<ResizeFilter>(filter, ignoreCase: true) } };
        if (args.Get("widths") is { } widths)
        {
            // e.g. --widths 32,64,128,128 --convs 2 (or one count per stage: --convs 1,1,2,2): that many 3x3 'same'
            // convolutions per stage, then a 2x2 pool
            static List<int> Ints(string list) => list.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
            var stages = Ints(widths);
            var counts = Ints(args.Get("convs") ?? "1");
            if (counts.Count == 1) counts = Enumerable.Repeat(counts[0], stages.Count).ToList();
            if (counts.Count != stages.Count)
                throw new ArgumentException($"--convs: give one count or one per stage ({stages.Count}), got {counts.Count}");
            var features = new List<LayerSpec>();
            foreach (var (width, count) in stages.Zip(counts))
            {
                for (var i = 0; i < count; i++) features.Add(LayerSpec.Conv(width, 3, padding: 1));
                features.Add(LayerSpec.MaxPool(2, 2));
            }
            Model(s => s with { Features = features });
        }
        if (args.GetInt("views") is int views)
        {
            var pooling = args.Get("view-pooling") is { } p ? Enum.Parse<ViewPooling>(p, ignoreCase: true) : ViewPooling.Mean;
            Model(s => ModelBuilder.FromSpec(s).WithRotatedViews(views, args.GetInt("view-size"), pooling).Spec);
        }
        if (Number("dropout") is double dropout) Model(s => s with { Dropout = dropout });
        if (args.GetInt("hidden") is int hidden) Model(s => s with { HiddenUnits = [hidden] });
        if (args.Get("projection") is "off") Model(s => s with { ProjectOntoTree = false });
        if (Number("wd") is double wd) recipe = recipe with { WeightDecay = wd };
        if (args.Get("optimizer") is { } optimizer) recipe = recipe with { Optimizer = Enum.Parse<OptimizerKind>(optimizer, ignoreCase: true) };
        if (args.Get("precision") is { } precision) recipe = recipe with { Precision = Enum.Parse<TrainingPrecision>(precision, ignoreCase: true) };
        if (args.GetInt("members") is int members) recipe = recipe with { Members = members };
        if (args.Get("head") is "tree") recipe = recipe with { Head = OutputHead.DecisionTree };
        recipe = args.Get("augment") switch
        {
            "none" => recipe with { Augmentation = null },
            "dihedral" => recipe with { Augmentation = AugmentationOptions.Dihedral },
            "dieleman" => recipe with { Augmentation = AugmentationOptions.Dieleman },
            _ => recipe,
        };
        if (Number("rotate") is double rotate) Augment(a => a with { MaxRotationDegrees = rotate });
        if (Number("zoom") is double zoom) Augment(a => a with { MaxZoom = zoom });
        if (Number("shift") is double shift) Augment(a => a with { MaxShiftFraction = shift });
        if (Number("brightness") is double brightness) Augment(a => a with { BrightnessJitter = brightness });
        if (args.Size is int size) recipe = recipe with { Preprocessing = recipe.Preprocessing with { Size = size } };
        if (args.GetInt("crop") is int crop) recipe = recipe with { Preprocessing = recipe.Preprocessing with { CropSize = crop } };
        if (args.Batch is int batch) recipe = recipe with { BatchSize = batch };
        if (Number("lr") is double lr) recipe = recipe with { LearningRate = lr };
        if (Number("warmup") is double warmup) recipe = recipe with { Schedule = recipe.Schedule with { WarmupFraction = warmup } }; // the preset's cosine, warmed up
        if (Number("val-fraction") is double vf) recipe = recipe with { ValidationFraction = vf };
        // The cpu recipe starts from the shipped pretrained weights; --pretrained none starts from random weights, and a
        // changed model (which the weights do not fit) does too.
        if (args.Get("pretrained") is "none"
            || (recipe.PretrainedWeights is { } shipped && PretrainedWeights.SpecDifferences(shipped, recipe.CreateModelBuilder().Spec).Count > 0))
            recipe = recipe with { PretrainedWeights = null };
        var seed = args.GetInt("seed") ?? 0;
        var pretrain = args.Get("pretrain");
        var pretrainEpochs = args.GetInt("pretrain-epochs"); // a fixed number of epochs instead of minutes: comparisons free of the machine's speed
        double? pretrainMinutes = pretrain is null || pretrainEpochs is not null ? null : Number("pretrain-minutes") ?? 4;
        if (args.Threads is int threads) TorchSharp.torch.set_num_threads(threads);

        var run = Directory.CreateTempSubdirectory("galaxy-accuracy-").FullName;
        try
        {
            // --pretrain DIR (--pretrain-minutes M | --pretrain-epochs N): train first on another Kaggle-layout folder
            // (synthetic galaxies), then start the real run from those weights with a fresh optimizer and schedule.
            string? initial = args.Get("init-weights"); // a checkpoint to start from (e.g. weights pre-trained elsewhere)
            if (pretrain is not null)
            {
                var pretrainRecipe = recipe with
                {
                    PretrainedWeights = null,
                    TimeBudget = pretrainMinutes is double budget ? TimeSpan.FromMinutes(budget) : null, Epochs = pretrainEpochs, ValidationFraction = 0.02,
                };
                var pre = TrainingRun.Run(pretrainRecipe, pretrain, Path.Combine(run, "pretrain"), new TrainingRunOptions { Seed = seed });
                initial = pre.LastCheckpoint ?? throw new InvalidOperationException("pre-training finished no epoch");
            }
            // --ema 0.999,0.9995: also score moving averages of the weights and the mean of the last quarter's epoch weights
            var probe = args.Get("ema") is { } ema
                ? new WeightAveragingProbe(run, ema.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList(), Number("swa-from") ?? 0.75)
                : null;
            var result = TrainingRun.Run(recipe, data, run, new TrainingRunOptions { Seed = seed, InitialWeights = initial, Callbacks = probe is null ? [] : [probe] });
            var output = new JsonObject
            {
                ["scenario"] = Name, ["model"] = args.Get("model") ?? recipe.Variant, ["head"] = recipe.Head.ToString(),
                ["augment"] = args.Get("augment") ?? "mild", ["rotate"] = recipe.Augmentation?.MaxRotationDegrees, ["zoom"] = recipe.Augmentation?.MaxZoom, ["shift"] = recipe.Augmentation?.MaxShiftFraction, ["brightness"] = recipe.Augmentation?.BrightnessJitter, ["projection"] = recipe.Model?.ProjectOntoTree ?? false, ["members"] = recipe.Members, ["precision"] = recipe.Precision.Resolve(torch.CPU).ToString(), ["views"] = recipe.Model?.Views ?? 0, ["viewSize"] = recipe.Model?.ViewSize ?? 0, ["viewPooling"] = recipe.Model?.ViewPooling.ToString(), ["init"] = (recipe.Model?.Initialization ?? WeightInitialization.Keras).ToString(), ["filter"] = recipe.Preprocessing.Filter.ToString(), ["size"] = recipe.Preprocessing.Size, ["crop"] = recipe.Preprocessing.CropSize,
                ["batch"] = recipe.BatchSize, ["features"] = string.Join(' ', (recipe.Model?.Features ?? []).Where(l => l.Kind == LayerKind.Convolution).Select(l => l.Channels)), ["dropout"] = recipe.Model?.Dropout, ["weightDecay"] = recipe.WeightDecay, ["optimizer"] = recipe.Optimizer.ToString(), ["warmup"] = recipe.Schedule.WarmupFraction, ["minutes"] = minutes, ["pretrainedWeights"] = initial is null ? recipe.PretrainedWeights : null, ["initWeights"] = args.Get("init-weights"), ["pretrain"] = pretrain, ["pretrainMinutes"] = pretrainMinutes, ["pretrainEpochs"] = pretrainEpochs, ["seed"] = seed, ["epochs"] = result.History.Epochs.Count,
                ["trainSeconds"] = Math.Round(result.History.Seconds, 1),
                ["imagesPerSecond"] = Math.Round(result.History.Epochs.Average(e => e.ImagesPerSecond), 1),
            };
            foreach (var (name, path) in new[] { ("best", result.BestCheckpoint), ("last", result.LastCheckpoint) }.Concat((probe?.Written ?? []).Select(w => (w.Name, (string?)w.Path))))
            {
                if (path is null) continue;
                using var model = GalaxyModel.Load(path);
                var held = KaggleGalaxyDataset.Open(test, model.Preprocessing);
                output[name + "Rmse"] = Math.Round(model.Evaluate(held, tta: false).Rmse, 5);
                output[name + "RmseTta"] = Math.Round(model.Evaluate(held, tta: true).Rmse, 5);
                output["testCount"] = held.Count;
            }
            BenchmarkArgs.Emit(output);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
        return 0;
    }

}
