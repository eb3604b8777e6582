namespace GalaxyMorphology.Data;

/// <summary>
/// A random transformation of one preprocessed image, applied in place by the loader's worker threads.
/// Implementations must be thread-safe and draw every random number from the <see cref="Random"/> passed to <see cref="Apply"/>, which the
/// loader seeds per image, epoch and loader seed so that results do not depend on the number of threads.
/// </summary>
public interface IImageAugmentation
{
    /// <summary>Transforms <paramref name="chw"/> (channels × height × width floats) in place.</summary>
    void Apply(Span<float> chw, ImageShape shape, Random random);
}
