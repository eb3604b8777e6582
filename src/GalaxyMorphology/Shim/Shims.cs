// TEMPORARY: stand-ins for the Models and Imaging types being built on other branches; removed when they merge.
#pragma warning disable CS1591
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace GalaxyMorphology.Models
{
    public sealed record ModelSpec(int InputSize = 16, int OutputCount = 37)
    {
        public string ToJson() => JsonSerializer.Serialize(this);
        public static ModelSpec FromJson(string json) => JsonSerializer.Deserialize<ModelSpec>(json)!;
    }

    public sealed class GalaxyNet : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Sequential features;
        public ModelSpec Spec { get; }
        public GalaxyNet(ModelSpec spec) : base("GalaxyNet")
        {
            Spec = spec;
            features = nn.Sequential(("conv1", nn.Conv2d(3, 4, 3)), ("relu", nn.ReLU()), ("pool", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()), ("drop", nn.Dropout(0.2)), ("fc", nn.Linear(4, 37)), ("sig", nn.Sigmoid()));
            RegisterComponents();
        }
        public override Tensor forward(Tensor input) => features.forward(input);
    }

    public sealed class ModelBuilder
    {
        private readonly ModelSpec spec;
        private ModelBuilder(ModelSpec spec) => this.spec = spec;
        public static ModelBuilder FromSpec(ModelSpec spec) => new(spec);
        public GalaxyNet Build(Device? device = null) { var m = new GalaxyNet(spec); if (device is not null) m.to(device); return m; }
    }
}

namespace GalaxyMorphology.Imaging
{
    public sealed record PreprocessingOptions
    {
        public int Size { get; init; } = 64;
    }

    public sealed class ImagePreprocessor
    {
        public ImagePreprocessor(PreprocessingOptions options) => Options = options;
        public PreprocessingOptions Options { get; }
        public float[] Process(string path) => throw new NotImplementedException();
        public float[] Process(Stream stream) => throw new NotImplementedException();
        // Crude stand-in so the Synthetic tests run: resize to Size, RGB / 255, CHW.
        public float[] Process(SkiaSharp.SKBitmap bitmap)
        {
            var info = new SkiaSharp.SKImageInfo(Options.Size, Options.Size, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque);
            using var resized = bitmap.Resize(info, new SkiaSharp.SKSamplingOptions(SkiaSharp.SKFilterMode.Linear, SkiaSharp.SKMipmapMode.Linear))
                ?? throw new InvalidOperationException("resize failed");
            var n = Options.Size * Options.Size;
            var result = new float[3 * n];
            var pixels = resized.GetPixelSpan();
            for (var i = 0; i < n; i++)
            {
                result[i] = pixels[4 * i] / 255f;
                result[n + i] = pixels[4 * i + 1] / 255f;
                result[2 * n + i] = pixels[4 * i + 2] / 255f;
            }
            return result;
        }
    }
}
