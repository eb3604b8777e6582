using System.Globalization;
using System.Text.Json.Serialization;

namespace GalaxyMorphology.Imaging;

/// <summary>
/// How an image file becomes network input: optional centre crop, resize to <see cref="Size"/>×<see cref="Size"/>,
/// RGB, CHW float, scaled by <see cref="Scaling"/>. Stored in checkpoints (System.Text.Json defaults), so a model
/// always sees its images prepared the way it was trained.
/// </summary>
public sealed record PreprocessingOptions
{
    /// <summary>Default for <see cref="MaxImagePixels"/>: 8192×8192.</summary>
    public const long DefaultMaxImagePixels = 8192L * 8192L;

    /// <summary>Side of the square output image in pixels (224 for the AlexNets, 64–69 for the compact net).</summary>
    public int Size { get; init; } = 64;

    /// <summary>
    /// Side of the centre square kept before resizing, in source pixels (the Kaggle winner cropped 424 → 207); null keeps
    /// the whole image (a non-square image is then stretched to a square, as the notebook's PIL resize did).
    /// </summary>
    public int? CropSize { get; init; }

    /// <summary>Resampling filter; Lanczos-3 matches the notebook's <c>Image.Resampling.LANCZOS</c>.</summary>
    public ResizeFilter Filter { get; init; } = ResizeFilter.Lanczos3;

    /// <summary>How 8-bit values become floats.</summary>
    public PixelScaling Scaling { get; init; } = PixelScaling.UnitRange;

    /// <summary>Per-channel (R, G, B) mean on the 0..1 scale; required by <see cref="PixelScaling.Standardize"/>. See <see cref="PixelStatistics"/>.</summary>
    public float[]? Mean { get; init; }

    /// <summary>Per-channel (R, G, B) standard deviation on the 0..1 scale; required by <see cref="PixelScaling.Standardize"/>.</summary>
    public float[]? Std { get; init; }

    /// <summary>
    /// Let the JPEG decoder downscale by k/8 (k = 1..7) in its inverse DCT (<c>SKCodec.GetScaledDimensions</c>), choosing
    /// the smallest scale that keeps the (cropped) image at least <see cref="Size"/> pixels wide; the resize filter does
    /// the rest. Faster at every size (424 → 224 decodes at 5/8: 1.7× the images/s), with pixels within 0.1% on average
    /// of a full decode (docs/results.md). Turn off to resize the full-resolution decode.
    /// </summary>
    public bool ScaledDecoding { get; init; } = true;

    /// <summary>Images with more pixels than this are refused from their header, before any pixel memory is allocated.</summary>
    public long MaxImagePixels { get; init; } = DefaultMaxImagePixels;

    /// <summary>
    /// The notebook's set-up for reproduction: whole image, Lanczos-3 to 224×224, raw 0..255 values. The JPEG is decoded
    /// at 5/8 scale and Lanczos-3 finishes (see <see cref="ScaledDecoding"/>); use <c>Notebook with { ScaledDecoding = false }</c>
    /// for a full-resolution decode.
    /// </summary>
    public static PreprocessingOptions Notebook { get; } = new()
    {
        Size = 224,
        Filter = ResizeFilter.Lanczos3,
        Scaling = PixelScaling.Raw255,
    };

    /// <summary>
    /// The Kaggle winner's framing for a compact net: centre 207×207 crop resized to 64×64, standardised per channel.
    /// <see cref="Mean"/> and <see cref="Std"/> are left null: fill them from the training images with
    /// <c>PixelStatistics.Compute(paths, PreprocessingOptions.CompactCrop).ApplyTo(PreprocessingOptions.CompactCrop)</c>.
    /// </summary>
    public static PreprocessingOptions CompactCrop { get; } = new()
    {
        Size = 64,
        CropSize = 207,
        Filter = ResizeFilter.Lanczos3,
        Scaling = PixelScaling.Standardize,
    };

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the property.</exception>
    public void Validate()
    {
        if (Size is < 1 or > 4096)
            throw new ArgumentException($"PreprocessingOptions.Size must be in 1..4096, got {Size}", nameof(Size));
        if (CropSize is < 1)
            throw new ArgumentException($"PreprocessingOptions.CropSize must be positive or null, got {CropSize}", nameof(CropSize));
        if (!Enum.IsDefined(Filter))
            throw new ArgumentException($"PreprocessingOptions.Filter {(int)Filter} is not a ResizeFilter", nameof(Filter));
        if (!Enum.IsDefined(Scaling))
            throw new ArgumentException($"PreprocessingOptions.Scaling {(int)Scaling} is not a PixelScaling", nameof(Scaling));
        if (MaxImagePixels < 1)
            throw new ArgumentException($"PreprocessingOptions.MaxImagePixels must be positive, got {MaxImagePixels}", nameof(MaxImagePixels));
        CheckChannels(Mean, nameof(Mean), allowZero: true);
        CheckChannels(Std, nameof(Std), allowZero: false);
        if (Scaling == PixelScaling.Standardize && (Mean is null || Std is null))
            throw new ArgumentException(
                "PreprocessingOptions.Scaling is Standardize but Mean or Std is null: compute them from the training images with PixelStatistics.Compute(...) and set them (options with { Mean = s.Mean, Std = s.Std })",
                Mean is null ? nameof(Mean) : nameof(Std));
    }

    private static void CheckChannels(float[]? values, string name, bool allowZero)
    {
        if (values is null) return;
        if (values.Length != 3)
            throw new ArgumentException($"PreprocessingOptions.{name} must have 3 values (R, G, B), got {values.Length}", name);
        foreach (var v in values)
            if (!float.IsFinite(v) || (!allowZero && v <= 0))
                throw new ArgumentException(
                    $"PreprocessingOptions.{name} must hold finite{(allowZero ? "" : " positive")} values, got [{string.Join(", ", values.Select(x => x.ToString(CultureInfo.InvariantCulture)))}]", name);
    }

    /// <inheritdoc />
    public bool Equals(PreprocessingOptions? other) =>
        other is not null && Size == other.Size && CropSize == other.CropSize && Filter == other.Filter && Scaling == other.Scaling
        && SameValues(Mean, other.Mean) && SameValues(Std, other.Std) && ScaledDecoding == other.ScaledDecoding && MaxImagePixels == other.MaxImagePixels;

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Size);
        hash.Add(CropSize);
        hash.Add(Filter);
        hash.Add(Scaling);
        foreach (var v in Mean ?? []) hash.Add(v);
        foreach (var v in Std ?? []) hash.Add(v);
        hash.Add(ScaledDecoding);
        hash.Add(MaxImagePixels);
        return hash.ToHashCode();
    }

    private static bool SameValues(float[]? a, float[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

/// <summary>Resampling filter for <see cref="ImagePreprocessor"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResizeFilter>))]
public enum ResizeFilter
{
    /// <summary>Lanczos windowed sinc, 3 lobes (PIL's LANCZOS): sharpest, slowest.</summary>
    Lanczos3,
    /// <summary>Mitchell–Netravali cubic (B = C = 1/3): smooth, little ringing.</summary>
    Mitchell,
    /// <summary>Triangle filter (PIL's BILINEAR, widened when shrinking so it still averages every source pixel).</summary>
    Bilinear,
    /// <summary>Nearest source pixel: fastest, aliases when shrinking.</summary>
    Nearest,
}

/// <summary>How <see cref="ImagePreprocessor"/> turns 8-bit values into floats.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PixelScaling>))]
public enum PixelScaling
{
    /// <summary>value / 255, in [0, 1].</summary>
    UnitRange,
    /// <summary>(value / 255 − Mean[c]) / Std[c] with per-channel statistics from the training set.</summary>
    Standardize,
    /// <summary>The raw 0..255 values, as the notebook fed them (for reproduction).</summary>
    Raw255,
}
