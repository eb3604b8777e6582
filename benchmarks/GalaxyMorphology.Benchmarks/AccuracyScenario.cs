using System.Globalization;
using System.Text.Json.Nodes;
using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Training;

namespace GalaxyMorphology.Benchmarks;

/// <summary>
/// RMSE on held-out real galaxies after training a recipe for a time budget: the experiments behind docs/results.md.
/// Trains on --data (Kaggle layout), scores best and last checkpoints on --test, with and without 8x TTA.
/// </summary>
public sealed class AccuracyScenario : IBenchmarkScenario
{
    public string Name => "accuracy";
    public string Description => "held-out RMSE of the cpu recipe and variations (--data TRAIN --test TEST --minutes M --model cpunet|compact|... --members K --head sigmoid|tree --augment mild|none|dihedral|dieleman --size S --crop C --batch B --lr X --seed S)";

    public int Run(BenchmarkArgs args)
    {
        var data = args.DataDir ?? throw new ArgumentException("accuracy needs --data TRAIN_DIR");
        var test = args.Get("test") ?? throw new ArgumentException("accuracy needs --test TEST_DIR (held-out Kaggle-layout folder)");
        var minutes = double.Parse(args.Get("minutes") ?? "8", CultureInfo.InvariantCulture);
        var recipe = TrainingRecipe.Cpu with { TimeBudget = TimeSpan.FromMinutes(minutes), Epochs = args.GetInt("epochs") };
        if (args.Get("model") is { } m && m != "cpunet") recipe = recipe with { Variant = m, Model = null };
        if (args.Get("init") is "pytorch") recipe = recipe with { Model = (recipe.Model ?? TrainingRecipe.CpuNet) with { Initialization = WeightInitialization.PyTorch } };
        if (args.Get("filter") is { } filter) recipe = recipe with { Preprocessing = recipe.Preprocessing with { Filter = Enum.Parse<ResizeFilter>(filter, ignoreCase: true) } };
        if (args.Get("widths") is { } widths)
        {
            // e.g. --widths 32,64,128,128 --convs 2: that many 3x3 'same' convolutions per stage, then a 2x2 pool
            var convs = args.GetInt("convs") ?? 1;
            var features = new List<LayerSpec>();
            foreach (var w in widths.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)))
            {
                for (var i = 0; i < convs; i++) features.Add(LayerSpec.Conv(w, 3, padding: 1));
                features.Add(LayerSpec.MaxPool(2, 2));
            }
            recipe = recipe with { Model = (recipe.Model ?? TrainingRecipe.CpuNet) with { Features = features } };
        }
        if (args.Get("dropout") is { } dropout) recipe = recipe with { Model = (recipe.Model ?? TrainingRecipe.CpuNet) with { Dropout = double.Parse(dropout, CultureInfo.InvariantCulture) } };
        if (args.GetInt("hidden") is int hidden) recipe = recipe with { Model = (recipe.Model ?? TrainingRecipe.CpuNet) with { HiddenUnits = [hidden] } };
        if (args.Get("wd") is { } wd) recipe = recipe with { WeightDecay = double.Parse(wd, CultureInfo.InvariantCulture) };
        if (args.Get("optimizer") is { } optimizer) recipe = recipe with { Optimizer = Enum.Parse<OptimizerKind>(optimizer, ignoreCase: true) };
        if (args.GetInt("members") is int members) recipe = recipe with { Members = members };
        if (args.Get("head") is "tree") recipe = recipe with { Head = OutputHead.DecisionTree };
        recipe = args.Get("augment") switch
        {
            "none" => recipe with { Augmentation = null },
            "dihedral" => recipe with { Augmentation = AugmentationOptions.Dihedral },
            "dieleman" => recipe with { Augmentation = AugmentationOptions.Dieleman },
            _ => recipe,
        };
        if (args.Get("rotate") is { } rotate) recipe = recipe with { Augmentation = (recipe.Augmentation ?? AugmentationOptions.Mild) with { MaxRotationDegrees = double.Parse(rotate, CultureInfo.InvariantCulture) } };
        if (args.Get("zoom") is { } zoom) recipe = recipe with { Augmentation = (recipe.Augmentation ?? AugmentationOptions.Mild) with { MaxZoom = double.Parse(zoom, CultureInfo.InvariantCulture) } };
        if (args.Get("shift") is { } shift) recipe = recipe with { Augmentation = (recipe.Augmentation ?? AugmentationOptions.Mild) with { MaxShiftFraction = double.Parse(shift, CultureInfo.InvariantCulture) } };
        if (args.Get("projection") is "off") recipe = recipe with { Model = (recipe.Model ?? TrainingRecipe.CpuNet) with { ProjectOntoTree = false } };
        if (args.Size is int size) recipe = recipe with { Preprocessing = recipe.Preprocessing with { Size = size } };
        if (args.GetInt("crop") is int crop) recipe = recipe with { Preprocessing = recipe.Preprocessing with { CropSize = crop } };
        if (args.Batch is int batch) recipe = recipe with { BatchSize = batch };
        if (args.Get("lr") is { } lr) recipe = recipe with { LearningRate = double.Parse(lr, CultureInfo.InvariantCulture) };
        if (args.Get("val-fraction") is { } vf) recipe = recipe with { ValidationFraction = double.Parse(vf, CultureInfo.InvariantCulture) };
        var seed = args.GetInt("seed") ?? 0;
        if (args.Threads is int threads) TorchSharp.torch.set_num_threads(threads);

        var run = Directory.CreateTempSubdirectory("galaxy-accuracy-").FullName;
        try
        {
            var result = TrainingRun.Run(recipe, data, run, new TrainingRunOptions { Seed = seed });
            var output = new JsonObject
            {
                ["scenario"] = Name, ["model"] = args.Get("model") ?? recipe.Variant, ["head"] = recipe.Head.ToString(),
                ["augment"] = args.Get("augment") ?? "mild", ["rotate"] = recipe.Augmentation?.MaxRotationDegrees, ["zoom"] = recipe.Augmentation?.MaxZoom, ["shift"] = recipe.Augmentation?.MaxShiftFraction, ["projection"] = recipe.Model?.ProjectOntoTree ?? false, ["members"] = recipe.Members, ["init"] = (recipe.Model?.Initialization ?? WeightInitialization.Keras).ToString(), ["filter"] = recipe.Preprocessing.Filter.ToString(), ["size"] = recipe.Preprocessing.Size, ["crop"] = recipe.Preprocessing.CropSize,
                ["batch"] = recipe.BatchSize, ["features"] = string.Join(' ', (recipe.Model?.Features ?? []).Where(l => l.Kind == LayerKind.Convolution).Select(l => l.Channels)), ["dropout"] = recipe.Model?.Dropout, ["weightDecay"] = recipe.WeightDecay, ["optimizer"] = recipe.Optimizer.ToString(), ["minutes"] = minutes, ["seed"] = seed, ["epochs"] = result.History.Epochs.Count,
                ["trainSeconds"] = Math.Round(result.History.Seconds, 1),
                ["imagesPerSecond"] = Math.Round(result.History.Epochs.Average(e => e.ImagesPerSecond), 1),
            };
            foreach (var (name, path) in new[] { ("best", result.BestCheckpoint), ("last", result.LastCheckpoint) })
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
