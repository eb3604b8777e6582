using System.Diagnostics;
using System.Text.Json.Nodes;
using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;

namespace GalaxyMorphology.Benchmarks;

/// <summary>Images per second delivered by GalaxyDataLoader (decode + resize + augmentation, batches as tensors) at 224 and 64 px.</summary>
public sealed class LoaderScenario : IBenchmarkScenario
{
    public string Name => "loader";
    public string Description => "images/s delivered by GalaxyDataLoader with augmentation, at 224 and 64 px (--data, --threads, --batch, --size)";

    public int Run(BenchmarkArgs args)
    {
        var data = args.DataDir ?? throw new ArgumentException("loader needs --data DIR (a Kaggle-layout folder) or ../shared/realdata");
        var threads = args.Threads ?? Environment.ProcessorCount;
        var batch = args.Batch ?? 32;
        var limit = args.GetInt("images") ?? 1024;
        foreach (var size in args.Size is int s ? [s] : new[] { 224, 64 })
        {
            var preprocessing = BenchmarkArgs.PreprocessingFor(size);
            var all = KaggleGalaxyDataset.Open(data, preprocessing);
            var dataset = new SubsetGalaxyDataset(all, Enumerable.Range(0, Math.Min(limit, all.Count)).ToArray());
            using var loader = new GalaxyDataLoader(dataset, new GalaxyDataLoaderOptions
            {
                BatchSize = batch, Shuffle = true, Seed = 1, WorkerThreads = threads, PrefetchBatches = 4,
                Augmentation = new GalaxyAugmentation(AugmentationOptions.Dieleman),
            });
            var images = 0;
            var clock = Stopwatch.StartNew();
            foreach (var b in loader.Epoch(0))
            {
                images += b.Count;
                b.Dispose();
            }
            var seconds = clock.Elapsed.TotalSeconds;
            BenchmarkArgs.Emit(new JsonObject
            {
                ["scenario"] = Name, ["batch"] = batch, ["size"] = size, ["threads"] = threads,
                ["imagesPerSecond"] = Math.Round(images / seconds, 1), ["peakRssMb"] = Math.Round(BenchmarkArgs.PeakRssMb(), 1),
            });
        }
        return 0;
    }
}
