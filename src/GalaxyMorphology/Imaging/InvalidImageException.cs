using GalaxyMorphology.Data;

namespace GalaxyMorphology.Imaging;

/// <summary>An image cannot be used: empty, truncated, not an image, too large, smaller than the crop. The message names the file.</summary>
public sealed class InvalidImageException : GalaxyDataException
{
    /// <summary>Creates the exception for <paramref name="file"/> (null for in-memory images).</summary>
    public InvalidImageException(string reason, string? file, Exception? inner = null)
        : base(reason, file ?? "<in-memory image>", inner: inner) { }
}
