using System.Globalization;
using System.Text;
using SkiaSharp;

namespace GalaxyMorphology.Synthetic;

/// <summary>
/// Makes synthetic Galaxy Zoo galaxies: SDSS-like RGB images and the 37 vote fractions a simulated crowd of
/// volunteers would give them. Every result is a pure function of (seed, difficulty, id), so any thread may ask
/// for any galaxy in any order and always gets the same pixels and labels. Thread-safe.
/// </summary>
public sealed class SyntheticGalaxyGenerator
{
    /// <summary>The side of a Kaggle image (424 pixels); galaxy sizes are defined at this scale.</summary>
    public const int NativeSize = 424;

    /// <summary>Creates a generator.</summary>
    /// <param name="seed">Seed of the whole synthetic population.</param>
    /// <param name="difficulty">Noise, faintness and size of the galaxies.</param>
    /// <exception cref="ArgumentOutOfRangeException">An unknown difficulty.</exception>
    public SyntheticGalaxyGenerator(int seed, SyntheticDifficulty difficulty = SyntheticDifficulty.Standard)
    {
        if (!Enum.IsDefined(difficulty))
            throw new ArgumentOutOfRangeException(nameof(difficulty), difficulty, "expected Easy, Standard or Hard");
        Seed = seed;
        Difficulty = difficulty;
    }

    /// <summary>The population seed.</summary>
    public int Seed { get; }

    /// <summary>The difficulty.</summary>
    public SyntheticDifficulty Difficulty { get; }

    internal GalaxyParameters Parameters(long id) => ParameterSampler.Sample(Seed, Difficulty, id);

    /// <summary>
    /// The 37 vote fractions of galaxy <paramref name="id"/> in <see cref="Taxonomy.GalaxyZooTaxonomy.Columns"/> order:
    /// noisy like real crowds but always consistent with the decision tree.
    /// </summary>
    public float[] Targets(long id) => VolunteerCrowd.Vote(Parameters(id), Seed, Difficulty, id);

    /// <summary>Renders galaxy <paramref name="id"/> as an opaque RGB bitmap of <paramref name="size"/>² pixels (the caller disposes it).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 8 or above 4096.</exception>
    public SKBitmap Render(long id, int size = NativeSize)
    {
        CheckSize(size);
        return GalaxyRenderer.Render(Parameters(id), Seed, Difficulty, id, size);
    }

    /// <summary>Renders galaxy <paramref name="id"/> and encodes it as a JPEG, like the Kaggle files.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> outside 8..4096 or <paramref name="quality"/> outside 1..100.</exception>
    public byte[] RenderJpeg(long id, int size = NativeSize, int quality = 90)
    {
        CheckSize(size);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        using var bitmap = Render(id, size);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode galaxy {id} as JPEG");
        return data.ToArray();
    }

    /// <summary>The true parameters of galaxy <paramref name="id"/> in words, e.g. "barred spiral, 2 medium arms, obvious bulge, ...".</summary>
    public string Describe(long id)
    {
        var p = Parameters(id);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        switch (p.Kind)
        {
            case GalaxyKind.Elliptical:
                var shape = p.AxisRatio >= 0.8f ? "round" : p.AxisRatio >= 0.47f ? "in-between" : "cigar-shaped";
                sb.Append(c, $"{shape} elliptical (axis ratio {p.AxisRatio:0.00}, Sérsic n {p.SersicIndex:0.0}, effective radius {p.BulgeRadius:0.0} px)");
                break;
            case GalaxyKind.Disk when p.Odd == OddFeature.Irregular:
                sb.Append(c, $"irregular clumpy galaxy (scale length {p.DiskScale:0.0} px)");
                break;
            case GalaxyKind.Disk:
                sb.Append(p.HasBar ? "barred " : "");
                if (p.Arms > 0)
                {
                    var arms = p.Arms > 4 ? $"{p.Arms} (more than four)" : p.Arms.ToString(c);
                    sb.Append(c, $"spiral, {arms} {p.Winding.ToString().ToLowerInvariant()} arm{(p.Arms == 1 ? "" : "s")} (pitch {p.PitchAngle * 180 / MathF.PI:0}°)");
                }
                else
                {
                    sb.Append("disk without arms");
                }
                sb.Append(c, $", {Words(p.Prominence)} bulge, inclination {MathF.Acos(Math.Clamp(p.AxisRatio, 0f, 1f)) * 180 / MathF.PI:0}°, scale length {p.DiskScale:0.0} px");
                break;
            case GalaxyKind.EdgeOn:
                var bulge = p.EdgeOnBulge switch { EdgeOnBulge.Rounded => "rounded bulge", EdgeOnBulge.Boxy => "boxy bulge", _ => "no bulge" };
                sb.Append(c, $"edge-on disk with {bulge} (axis ratio {p.AxisRatio:0.00}, scale length {p.DiskScale:0.0} px)");
                break;
            case GalaxyKind.Star:
                sb.Append("bright star with diffraction spikes");
                break;
            default:
                sb.Append(p.Artifact == ArtifactKind.SatelliteTrail ? "satellite trail across a faint galaxy" : "optical ghost over a faint galaxy");
                break;
        }
        if (p.Odd != OddFeature.None && p.Odd != OddFeature.Irregular)
        {
            sb.Append("; odd: ").Append(p.Odd switch
            {
                OddFeature.Ring => "ring",
                OddFeature.LensOrArc => "lensed arc",
                OddFeature.Disturbed => "disturbed",
                OddFeature.Merger => "merger with a companion and tidal tail",
                OddFeature.DustLane => "dust lane",
                _ => "overlapping foreground star",
            });
        }
        sb.Append(c, $"; position angle {p.PositionAngle * 180 / MathF.PI:0}°, PSF σ {p.PsfSigma:0.0} px, sky noise {p.NoiseSigma:0.0000}, {p.FieldStars.Length} field star{(p.FieldStars.Length == 1 ? "" : "s")}, visibility {p.Visibility:0.00}");
        return sb.ToString();
    }

    private static string Words(BulgeProminence prominence) => prominence switch
    {
        BulgeProminence.None => "no",
        BulgeProminence.JustNoticeable => "just noticeable",
        BulgeProminence.Obvious => "obvious",
        _ => "dominant",
    };

    private static void CheckSize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 4096);
    }
}
