using System.Diagnostics;
using System.Text.Json.Nodes;
using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;

namespace GalaxyMorphology.Benchmarks;

/// <summary>In-place augmentation throughput on one thread: Dihedral and Dieleman presets at 64 and 224 (or --size).</summary>
public sealed class AugmentScenario : IBenchmarkScenario
{
    /// <inheritdoc />
    public string Name => "augment";

    /// <inheritdoc />
    public string Description => "images/s for GalaxyAugmentation (Dihedral, Dieleman) at 64 and 224 on one thread";

    /// <inheritdoc />
    public int Run(BenchmarkArgs args)
    {
        foreach (var size in args.Size is int s ? new[] { s } : [64, 224])
        {
            var shape = new ImageShape(3, size, size);
            var image = new float[shape.Length];
            var random = new Random(1);
            for (var i = 0; i < image.Length; i++) image[i] = random.NextSingle();
            foreach (var (name, options) in new[] { ("dihedral", AugmentationOptions.Dihedral), ("dieleman", AugmentationOptions.Dieleman) })
            {
                var augmentation = new GalaxyAugmentation(options);
                var count = size >= 200 ? 400 : 4000;
                for (var i = 0; i < 20; i++) augmentation.Apply(image, shape, random);
                var sw = Stopwatch.StartNew();
                for (var i = 0; i < count; i++) augmentation.Apply(image, shape, random);
                BenchmarkArgs.Emit(new JsonObject
                {
                    ["scenario"] = Name,
                    ["size"] = size,
                    ["threads"] = 1,
                    ["imagesPerSecond"] = Math.Round(count / sw.Elapsed.TotalSeconds, 1),
                    ["preset"] = name,
                });
            }
        }
        return 0;
    }
}
