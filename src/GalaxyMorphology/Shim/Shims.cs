// TEMPORARY: stand-ins for the Imaging types being built on other branches; removed when they merge.
#pragma warning disable CS1591

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
        public float[] Process(SkiaSharp.SKBitmap bitmap) => throw new NotImplementedException();
    }
}
