using System.Text.Json.Nodes;
using GalaxyMorphology.Models;
using GalaxyMorphology.Training;
using GalaxyMorphology.Training.Callbacks;
using TorchSharp;
using static TorchSharp.torch;

namespace GalaxyMorphology.Benchmarks;

/// <summary>
/// Median milliseconds per training step (forward, MSE, backward, Adam) on random data, through <see cref="GalaxyNet"/>
/// and through the same modules in a plain <c>nn.Sequential</c> loop, so the wrapper's overhead shows.
/// </summary>
public sealed class StepScenario : IBenchmarkScenario
{
    private const int WarmUpSteps = 2;
    private const int TimedSteps = 10;

    /// <inheritdoc />
    public string Name => "step";

    /// <inheritdoc />
    public string Description => "ms per training step (forward+backward+Adam, MSE) on random data: --variant (all) --batch (32,64) --size --threads --views 0|4|8 (cpunet: averaged rotated views) --precision float32|bfloat16 (GalaxyNet and Trainer columns; the bare loop stays float32)";

    /// <inheritdoc />
    public int Run(BenchmarkArgs args)
    {
        if (args.Threads is int threads) torch.set_num_threads(threads);
        var variants = args.Variant is { } v ? [v] : Enum.GetNames<AlexNetVariant>().Select(n => n.ToLowerInvariant()).Append("compact").ToArray();
        var batches = args.Batch is int b ? [b] : new[] { 32, 64 };
        var precision = args.Get("precision") is { } p ? Enum.Parse<TrainingPrecision>(p, ignoreCase: true) : TrainingPrecision.Float32;
        var views = args.GetInt("views") ?? 0;
        foreach (var variant in variants)
        {
            foreach (var batch in batches)
            {
                var spec = Start(variant).WithInputSize(args.Size ?? DefaultSize(variant)).WithRotatedViews(views, pooling: ViewPooling.Mean).Spec;
                manual_seed(1);
                using var net = ModelBuilder.FromSpec(spec).Build();
                net.TrainingPrecision = precision;
                var galaxyMs = Measure(net, spec, batch);

                // The same architecture as a bare nn.Sequential of the network's own sections: no shape check, no scope.
                manual_seed(1);
                using var twin = ModelBuilder.FromSpec(spec).Build();
                using var bare = nn.Sequential(twin.named_children().Select(c => (c.name, (nn.Module<Tensor, Tensor>)c.module)).ToArray());
                var bareMs = Measure(bare, spec, batch);

                // The same steps through Trainer.Fit: in-memory random images, one worker, timed between batch ends.
                manual_seed(1);
                using var trained = ModelBuilder.FromSpec(spec).Build();
                trained.TrainingPrecision = precision;
                var trainerMs = MeasureTrainer(trained, spec, batch);

                BenchmarkArgs.Emit(new JsonObject
                {
                    ["scenario"] = Name,
                    ["variant"] = spec.Variant,
                    ["batch"] = batch,
                    ["size"] = spec.InputSize,
                    ["threads"] = torch.get_num_threads(),
                    ["views"] = spec.Views,
                    ["precision"] = precision.ToString(),
                    ["msPerStep"] = Math.Round(galaxyMs, 2),
                    ["bareMsPerStep"] = Math.Round(bareMs, 2),
                    ["trainerMsPerStep"] = Math.Round(trainerMs, 2),
                });
            }
        }
        return 0;
    }

    private static ModelBuilder Start(string variant) =>
        variant.Equals("compact", StringComparison.OrdinalIgnoreCase) ? ModelBuilder.Compact()
        : variant.Equals("cpunet", StringComparison.OrdinalIgnoreCase) ? ModelBuilder.FromSpec(TrainingRecipe.CpuNet)
        : Enum.TryParse<AlexNetVariant>(variant, ignoreCase: true, out var v) ? ModelBuilder.AlexNet(v)
        : throw new ArgumentException($"unknown --variant '{variant}'; choose vanilla, batchnorm, highdropout, deeper or compact");

    private static int DefaultSize(string variant) => variant is "compact" or "cpunet" ? 64 : 224;

    private static double MeasureTrainer(GalaxyNet model, ModelSpec spec, int batch)
    {
        var shape = new GalaxyMorphology.Data.ImageShape(spec.InputChannels, spec.InputSize, spec.InputSize);
        var random = new Random(1);
        var samples = Enumerable.Range(0, batch * (WarmUpSteps + TimedSteps))
            .Select(i => new GalaxyMorphology.Data.GalaxySample(i, Enumerable.Range(0, shape.Length).Select(_ => (float)random.NextDouble()).ToArray(),
                Enumerable.Range(0, spec.OutputCount).Select(_ => (float)random.NextDouble()).ToArray()))
            .ToList();
        var data = new GalaxyMorphology.Data.InMemoryGalaxyDataset(samples, shape);
        var timer = new BatchTimer();
        using var trainer = Trainer.For(model).WithBatchSize(batch).WithEpochs(1).WithWorkers(1, 2).WithLearningRate(1e-4).WithCallbacks(timer).Build();
        trainer.Fit(data);
        return BenchmarkArgs.Median(timer.Times.Skip(WarmUpSteps).ToList());
    }

    private sealed class BatchTimer : TrainingCallback
    {
        private readonly System.Diagnostics.Stopwatch clock = new();

        public List<double> Times { get; } = [];

        public override void OnEpochBegin(TrainingContext context, int epoch) => clock.Restart();

        public override void OnBatchEnd(TrainingContext context, int epoch, int batch, double loss)
        {
            Times.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
        }
    }

    private static double Measure(nn.Module<Tensor, Tensor> model, ModelSpec spec, int batch)
    {
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-4);
        using var input = rand(batch, spec.InputChannels, spec.InputSize, spec.InputSize);
        using var target = rand(batch, spec.OutputCount);
        var times = new List<double>();
        for (var step = 0; step < WarmUpSteps + TimedSteps; step++)
        {
            var ms = BenchmarkArgs.TimeMs(() =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = nn.functional.mse_loss(model.forward(input), target);
                loss.backward();
                optimizer.step();
            });
            if (step >= WarmUpSteps) times.Add(ms);
        }
        return BenchmarkArgs.Median(times);
    }
}
