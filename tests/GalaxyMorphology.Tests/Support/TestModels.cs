using GalaxyMorphology.Data;
using GalaxyMorphology.Models;
using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Tests.Support;

/// <summary>Small models and learnable in-memory datasets for fast training tests.</summary>
public static class TestModels
{
    public const int Size = 16;

    /// <summary>A tiny custom layer table for 16 px inputs: conv 4 k3, pool 2, then straight to 37 sigmoid outputs.</summary>
    public static readonly ModelSpec SmallSpec = new()
    {
        Variant = "tiny",
        InputSize = Size,
        Features = [LayerSpec.Conv(4, 3, batchNorm: false), LayerSpec.MaxPool(2, 2)],
        HiddenUnits = [],
    };

    /// <summary>A small net for 16 px inputs, its weights drawn from <paramref name="seed"/>.</summary>
    public static GalaxyNet Small(int seed = 1)
    {
        TorchSharp.torch.manual_seed(seed);
        return ModelBuilder.FromSpec(SmallSpec).Build();
    }

    /// <summary>
    /// Two kinds of galaxy, told apart by brightness: bright images are smooth, dark ones are spiral disks, with a
    /// little label noise. A model that looks at the pixels beats the mean predictor easily.
    /// </summary>
    public static InMemoryGalaxyDataset Learnable(int count, int seed, int size = Size)
    {
        var rng = new Random(seed);
        var shape = new ImageShape(3, size, size);
        var samples = new List<GalaxySample>();
        for (var i = 0; i < count; i++)
        {
            var bright = rng.Next(2) == 0;
            var pixels = new float[shape.Length];
            for (var p = 0; p < pixels.Length; p++) pixels[p] = (float)((bright ? 0.7 : 0.1) + rng.NextDouble() * 0.2);
            var raw = new float[37];
            raw[bright ? 0 : 1] = 3f;
            raw[bright ? 1 : 0] = 0.5f;
            raw[2] = 0.2f;
            for (var r = 3; r < 37; r++) raw[r] = (float)rng.NextDouble();
            if (!bright) raw[7] = 3f;
            samples.Add(new GalaxySample(100000 + seed * 10000 + i, pixels, GalaxyZooTaxonomy.Normalize(raw)));
        }
        return new InMemoryGalaxyDataset(samples, shape);
    }

    /// <summary>A unique temporary folder, deleted on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("galaxy-test-").FullName;

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
