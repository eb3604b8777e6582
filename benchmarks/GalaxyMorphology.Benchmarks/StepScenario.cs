using System.Text.Json.Nodes;
using GalaxyMorphology.Models;
using GalaxyMorphology.Training;
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
    public string Description => "ms per training step (forward+backward+Adam, MSE) on random data: --variant (all) --batch (32,64) --size --threads";

    /// <inheritdoc />
    public int Run(BenchmarkArgs args)
    {
        if (args.Threads is int threads) torch.set_num_threads(threads);
        var variants = args.Variant is { } v ? [v] : Enum.GetNames<AlexNetVariant>().Select(n => n.ToLowerInvariant()).Append("compact").ToArray();
        var batches = args.Batch is int b ? [b] : new[] { 32, 64 };
        foreach (var variant in variants)
        {
            foreach (var batch in batches)
            {
                var spec = Start(variant).WithInputSize(args.Size ?? DefaultSize(variant)).Spec;
                manual_seed(1);
                using var net = ModelBuilder.FromSpec(spec).Build();
                var galaxyMs = Measure(net, spec, batch);

                // The same architecture as a bare nn.Sequential of the network's own sections: no shape check, no scope.
                manual_seed(1);
                using var twin = ModelBuilder.FromSpec(spec).Build();
                using var bare = nn.Sequential(twin.named_children().Select(c => (c.name, (nn.Module<Tensor, Tensor>)c.module)).ToArray());
                var bareMs = Measure(bare, spec, batch);

                BenchmarkArgs.Emit(new JsonObject
                {
                    ["scenario"] = Name,
                    ["variant"] = spec.Variant,
                    ["batch"] = batch,
                    ["size"] = spec.InputSize,
                    ["threads"] = torch.get_num_threads(),
                    ["msPerStep"] = Math.Round(galaxyMs, 2),
                    ["bareMsPerStep"] = Math.Round(bareMs, 2),
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
