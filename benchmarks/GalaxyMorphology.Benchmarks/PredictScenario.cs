using System.Diagnostics;
using System.Text.Json.Nodes;
using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Training;

namespace GalaxyMorphology.Benchmarks;

/// <summary>Images per second of batch prediction over a folder of JPEGs, with and without the 32-view test-time augmentation.</summary>
public sealed class PredictScenario : IBenchmarkScenario
{
    public string Name => "predict";
    public string Description => "images/s of GalaxyModel.Predict over an image folder, without and with 32-view TTA (--variant compact --size 64 --images 512)";

    public int Run(BenchmarkArgs args)
    {
        var data = args.DataDir ?? throw new ArgumentException("predict needs --data DIR (a Kaggle-layout folder) or ../shared/realdata");
        var variant = args.Variant ?? "compact";
        var size = args.Size ?? (variant == "compact" ? 64 : 224);
        var batch = args.Batch ?? 64;
        var threads = args.Threads ?? Environment.ProcessorCount;
        var count = args.GetInt("images") ?? 512;
        TorchSharp.torch.set_num_threads(threads);
        var preprocessing = BenchmarkArgs.PreprocessingFor(size);
        var folder = Directory.Exists(Path.Combine(data, "images_training_rev1")) ? Path.Combine(data, "images_training_rev1") : data;
        var all = GalaxyImageFolder.Open(folder, preprocessing);
        var images = new SubsetGalaxyDataset(all, Enumerable.Range(0, Math.Min(count, all.Count)).ToArray());
        using var model = GalaxyModel.FromNetwork(TrainingRecipe.ModelFor(variant).WithInputSize(size).Build(), preprocessing);
        model.Predict(new SubsetGalaxyDataset(images, Enumerable.Range(0, Math.Min(batch, images.Count)).ToArray()), false, batch); // warm-up
        foreach (var tta in new[] { false, true })
        {
            var clock = Stopwatch.StartNew();
            var predictions = model.Predict(images, tta, batch);
            var seconds = clock.Elapsed.TotalSeconds;
            BenchmarkArgs.Emit(new JsonObject
            {
                ["scenario"] = Name, ["variant"] = variant, ["batch"] = batch, ["size"] = size, ["threads"] = threads, ["tta"] = tta,
                ["imagesPerSecond"] = Math.Round(predictions.Count / seconds, 1), ["peakRssMb"] = Math.Round(BenchmarkArgs.PeakRssMb(), 1),
            });
        }
        return 0;
    }
}
