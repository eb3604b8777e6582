namespace GalaxyMorphology.Imaging;

/// <summary>
/// Which random transformations <see cref="GalaxyAugmentation"/> applies. Galaxies have no preferred orientation, so
/// flips and rotations keep their labels; zoom, shift and brightness stay small.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>Mirror the image horizontally with probability 1/2.</summary>
    public bool Flip { get; init; } = true;

    /// <summary>Rotate by 0, 90, 180 or 270 degrees (exact: no resampling).</summary>
    public bool Rotate90 { get; init; } = true;

    /// <summary>Rotate by an angle drawn uniformly from ±this many degrees (bilinear); 180 means any angle, 0 none.</summary>
    public double MaxRotationDegrees { get; init; }

    /// <summary>Zoom by a factor drawn log-uniformly from 1/(1+z) .. (1+z); 0.3 is the Kaggle winner's 1/1.3 .. 1.3.</summary>
    public double MaxZoom { get; init; }

    /// <summary>Shift by up to this fraction of the image side in x and y, drawn uniformly.</summary>
    public double MaxShiftFraction { get; init; }

    /// <summary>Multiply every value by 1 + u, u uniform in ±this (brightness in unit or raw scaling; contrast about the mean when standardised).</summary>
    public double BrightnessJitter { get; init; }

    /// <summary>What fills the pixels a rotation, zoom-out or shift brings in from outside the image.</summary>
    public BorderFill Fill { get; init; } = BorderFill.EdgeMean;

    /// <summary>The eight symmetries of the square: flips and 90° rotations, no resampling.</summary>
    public static AugmentationOptions Dihedral { get; } = new() { Flip = true, Rotate90 = true };

    /// <summary>The Kaggle winner's (Dieleman et al. 2015) set: any angle, log-uniform zoom 1/1.3..1.3, shifts of about 4/69, flips.</summary>
    public static AugmentationOptions Dieleman { get; } = new()
    {
        Flip = true,
        Rotate90 = false,
        MaxRotationDegrees = 180,
        MaxZoom = 0.3,
        MaxShiftFraction = 0.06,
    };

    /// <summary>
    /// The eight dihedral symmetries plus a small jitter: ±15° rotation, log-uniform zoom 1/1.1..1.1 and shifts of 1.5 px in
    /// 64. What the recommended CPU recipe uses: on ~2,000 real galaxies and minutes of training it beat the stronger
    /// <see cref="Dieleman"/> set, which pays off only with far more data and time (docs/results.md).
    /// </summary>
    public static AugmentationOptions Mild { get; } = new()
    {
        Flip = true,
        Rotate90 = true,
        MaxRotationDegrees = 15,
        MaxZoom = 0.1,
        MaxShiftFraction = 0.023,
    };

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (!double.IsFinite(MaxRotationDegrees) || MaxRotationDegrees is < 0 or > 180)
            throw new ArgumentException($"AugmentationOptions.MaxRotationDegrees must be in 0..180, got {MaxRotationDegrees}", nameof(MaxRotationDegrees));
        if (!double.IsFinite(MaxZoom) || MaxZoom is < 0 or > 4)
            throw new ArgumentException($"AugmentationOptions.MaxZoom must be in 0..4, got {MaxZoom}", nameof(MaxZoom));
        if (!double.IsFinite(MaxShiftFraction) || MaxShiftFraction is < 0 or > 0.5)
            throw new ArgumentException($"AugmentationOptions.MaxShiftFraction must be in 0..0.5, got {MaxShiftFraction}", nameof(MaxShiftFraction));
        if (!double.IsFinite(BrightnessJitter) || BrightnessJitter is < 0 or >= 1)
            throw new ArgumentException($"AugmentationOptions.BrightnessJitter must be in [0, 1), got {BrightnessJitter}", nameof(BrightnessJitter));
        if (!Enum.IsDefined(Fill))
            throw new ArgumentException($"AugmentationOptions.Fill {(int)Fill} is not a BorderFill", nameof(Fill));
    }
}

/// <summary>Fill for pixels that come from outside the image.</summary>
public enum BorderFill
{
    /// <summary>The mean of the image's border pixels, per channel: the sky level, whatever the scaling.</summary>
    EdgeMean,
    /// <summary>Zero in the scaled space (black for unit or raw scaling, the mean for standardised images).</summary>
    Zero,
}
