using System.Text.Json.Nodes;
using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Models;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Training;
using GalaxyMorphology.Training.Callbacks;
using static TorchSharp.torch;

namespace GalaxyMorphology.Benchmarks;

/// <summary>
/// End-to-end Trainer.Fit images/s over JPEG folders (decoding every epoch, no cache) with RSS per epoch: N real images
/// ("1x") and a synthetic folder ten times larger ("10x"), next to the step-only speed of the same model on random data.
/// </summary>
public sealed class FitScenario : IBenchmarkScenario
{
    public string Name => "fit";
    public string Description => "Trainer.Fit images/s for 3 epochs over a JPEG folder and a 10x synthetic one, with RSS per epoch (--variant batchnorm --size 224 --batch 32 --images 512 --folders 1x,10x; one folder per process for a fair peak RSS; --trace-memory 1 prints RSS after every batch)";

    public int Run(BenchmarkArgs args)
    {
        var variant = args.Variant ?? "batchnorm";
        var size = args.Size ?? (variant == "compact" ? 64 : 224);
        var batch = args.Batch ?? 32;
        var threads = args.Threads ?? Environment.ProcessorCount;
        var count = args.GetInt("images") ?? 512;
        var epochs = args.GetInt("epochs") ?? 3;
        set_num_threads(threads);
        var preprocessing = BenchmarkArgs.PreprocessingFor(size);

        var temp = Directory.CreateTempSubdirectory("galaxy-fit-bench-").FullName;
        try
        {
            IGalaxyDataset small;
            if (args.DataDir is { } data)
            {
                var all = KaggleGalaxyDataset.Open(data, preprocessing);
                small = new SubsetGalaxyDataset(all, Enumerable.Range(0, Math.Min(count, all.Count)).ToArray());
            }
            else
            {
                SyntheticKaggleWriter.Write(Path.Combine(temp, "1x"), new SyntheticWriterOptions { Count = count, Seed = 1 });
                small = KaggleGalaxyDataset.Open(Path.Combine(temp, "1x"), preprocessing);
            }
            // --folders 1x or 10x measures one folder per process: glibc keeps freed memory in the heap (the malloc
            // tuning), so a second fit in the same process starts from the first one's heap and its peak says little.
            var folders = (args.Get("folders") ?? "1x,10x").Split(',');
            if (folders.Contains("1x")) Measure("1x", small);
            if (folders.Contains("10x"))
            {
                SyntheticKaggleWriter.Write(Path.Combine(temp, "10x"), new SyntheticWriterOptions { Count = 10 * small.Count, Seed = 2 });
                Measure("10x", KaggleGalaxyDataset.Open(Path.Combine(temp, "10x"), preprocessing));
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
        return 0;

        void Measure(string label, IGalaxyDataset dataset)
        {
            // The step-only speed is timed right before and right after the fit (the median of both), so a machine whose
            // speed drifts during the run (these shared machines vary up to 2x between minutes) weighs on both sides alike.
            var stepTimes = StepOnlyTimes(variant, size, batch);
            // Start from a clean process state: what the step-only timing and writing the synthetic folder left in the .NET
            // heap and in glibc's arenas (Skia's encoders on the writer threads) is not part of the fit.
            // Finalizers free what TorchSharp objects still hold natively, so the heap's top is free before it is trimmed.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            Platform.NativeMemoryTuning.ReleaseFreeMemory();
            BenchmarkArgs.ResetPeakRss();
            using var model = TrainingRecipe.ModelFor(variant).WithInputSize(size).Build();
            var rss = new RssPerEpoch { Trace = args.Get("trace-memory") is "1" or "true" };
            using var trainer = Trainer.For(model).WithBatchSize(batch).WithEpochs(epochs).WithSeed(1).WithThreads(threads)
                .WithWorkers(Environment.ProcessorCount, 4).WithPreprocessing(preprocessing).WithCallbacks(rss).Build();
            var history = trainer.Fit(dataset);
            var peakRss = BenchmarkArgs.PeakRssMb(); // before the second step-only timing allocates anything
            stepTimes.AddRange(StepOnlyTimes(variant, size, batch));
            var stepMs = BenchmarkArgs.Median(stepTimes);
            var images = history.Epochs.Sum(e => e.ImagesPerSecond * e.Seconds);
            var seconds = history.Epochs.Sum(e => e.Seconds);
            var stepImagesPerSecond = batch * 1000.0 / stepMs;
            BenchmarkArgs.Emit(new JsonObject
            {
                ["scenario"] = Name, ["dataset"] = label, ["images"] = dataset.Count, ["variant"] = variant, ["batch"] = batch, ["size"] = size,
                ["threads"] = threads, ["imagesPerSecond"] = Math.Round(images / seconds, 1), ["msPerStep"] = Math.Round(stepMs, 1),
                ["fitToStepRatio"] = Math.Round(images / seconds / stepImagesPerSecond, 3),
                // The share of the fit's time the training thread waited for the loader: what the loader costs, measured
                // inside the one run (independent of the machine's drift between the fit and the step-only timing).
                ["loaderWaitFraction"] = Math.Round(history.Epochs.Sum(e => e.DataWaitSeconds) / seconds, 4),
                ["imagesPerSecondByEpoch"] = new JsonArray([.. history.Epochs.Select(e => (JsonNode)Math.Round(e.ImagesPerSecond, 1))]),
                ["peakRssMb"] = Math.Round(peakRss, 1), ["rssMbByEpoch"] = new JsonArray([.. rss.Values.Select(v => (JsonNode)Math.Round(v, 1))]),
                ["managedHeapMbByEpoch"] = new JsonArray([.. rss.ManagedMb.Select(v => (JsonNode)Math.Round(v, 1))]),
                ["nativeHeapMbByEpoch"] = new JsonArray([.. rss.NativeHeapMb.Select(v => (JsonNode)Math.Round(v, 1))]),
            });
        }
    }

    /// <summary>Ms of 16 bare forward + backward + Adam steps of the same model on random data (after 4 warm-up steps).</summary>
    private static List<double> StepOnlyTimes(string variant, int size, int batch)
    {
        using var model = TrainingRecipe.ModelFor(variant).WithInputSize(size).Build();
        model.train();
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        using var x = rand(batch, 3, size, size);
        using var y = rand(batch, 37);
        var times = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var ms = BenchmarkArgs.TimeMs(() =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = nn.functional.mse_loss(model.forward(x), y);
                loss.backward();
                optimizer.step();
            });
            if (i >= 4) times.Add(ms);
        }
        return times;
    }

    private sealed class RssPerEpoch : TrainingCallback
    {
        public List<double> Values { get; } = [];

        public List<double> ManagedMb { get; } = [];

        public List<double> NativeHeapMb { get; } = [];

        /// <summary>Also print RSS and native heap after every batch to stderr (--trace-memory 1).</summary>
        public bool Trace { get; init; }

        public override void OnBatchEnd(TrainingContext context, int epoch, int batch, double loss)
        {
            if (Trace) Console.Error.WriteLine(FormattableString.Invariant($"epoch {epoch} batch {batch}: rss {BenchmarkArgs.RssMb():F0} MB, native heap {BenchmarkArgs.NativeHeapMb():F0} MB, .NET committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:F0} MB"));
        }

        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            Values.Add(BenchmarkArgs.RssMb());
            ManagedMb.Add(GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0); // memory the .NET GC holds from the OS
            NativeHeapMb.Add(BenchmarkArgs.NativeHeapMb());
        }
    }
}
