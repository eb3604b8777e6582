namespace GalaxyMorphology.Synthetic;

/// <summary>What the galaxy really is (the classes the crowd tries to recognise).</summary>
internal enum GalaxyKind { Elliptical, Disk, EdgeOn, Star, Artifact }

/// <summary>Bulge prominence of a face-on or inclined disk (Q5's answers).</summary>
internal enum BulgeProminence { None, JustNoticeable, Obvious, Dominant }

/// <summary>Bulge shape of an edge-on disk (Q9's answers).</summary>
internal enum EdgeOnBulge { Rounded, Boxy, None }

/// <summary>Winding of spiral arms (Q10's answers).</summary>
internal enum ArmWinding { Tight, Medium, Loose }

/// <summary>The odd feature, in Q8's order, or none.</summary>
internal enum OddFeature { Ring, LensOrArc, Disturbed, Irregular, Other, Merger, DustLane, None }

/// <summary>Kinds of star or artefact (Q1.3).</summary>
internal enum ArtifactKind { Star, SatelliteTrail, Ghost }

/// <summary>A field star (position and size in 424-pixel units, linear flux, colour).</summary>
internal readonly record struct FieldStar(float X, float Y, float Flux, float Sigma, float R, float G, float B);

/// <summary>
/// The true parameters of one synthetic galaxy (filled in by <see cref="ParameterSampler"/>, read-only afterwards). Lengths are in pixels of a 424×424 frame (the renderer scales them
/// to any output size), angles in radians, fluxes linear (about 1 renders as a bright, nearly white pixel).
/// </summary>
internal sealed class GalaxyParameters
{
    public GalaxyKind Kind { get; set; }
    public float CenterX { get; set; }
    public float CenterY { get; set; }
    /// <summary>Position angle of the major axis.</summary>
    public float PositionAngle { get; set; }
    /// <summary>Apparent axis ratio b/a (1 round, small for cigars and edge-on disks).</summary>
    public float AxisRatio { get; set; } = 1f;

    // Bulge or elliptical (Sérsic).
    public float BulgeFlux { get; set; }
    public float BulgeRadius { get; set; } = 1f;
    public float SersicIndex { get; set; } = 1f;
    /// <summary>Axis ratio of the bulge itself (rounder than the disk for inclined disks).</summary>
    public float BulgeAxisRatio { get; set; } = 1f;
    /// <summary>Boxiness exponent of the bulge isophotes (2 ellipse, above 2 boxy).</summary>
    public float BulgeBoxiness { get; set; } = 2f;
    public BulgeProminence Prominence { get; set; }
    public EdgeOnBulge EdgeOnBulge { get; set; } = EdgeOnBulge.None;

    // Disk (exponential).
    public float DiskFlux { get; set; }
    public float DiskScale { get; set; } = 1f;

    // Spiral arms.
    public int Arms { get; set; }
    public ArmWinding Winding { get; set; }
    public float PitchAngle { get; set; }
    public float ArmStrength { get; set; }
    public float ArmPhase { get; set; }
    public float Clumpiness { get; set; }

    // Bar.
    public bool HasBar { get; set; }
    public float BarLength { get; set; }
    public float BarAngle { get; set; }
    public float BarFlux { get; set; }

    // Odd features.
    public OddFeature Odd { get; set; } = OddFeature.None;
    public float RingRadius { get; set; }
    public float RingFlux { get; set; }
    public float ArcRadius { get; set; }
    public float ArcAngle { get; set; }
    public float ArcFlux { get; set; }
    public float Distortion { get; set; }
    public float CompanionX { get; set; }
    public float CompanionY { get; set; }
    public float CompanionFlux { get; set; }
    public float CompanionRadius { get; set; }
    public float TailFlux { get; set; }
    public float DustDepth { get; set; }
    public float DustWidth { get; set; }

    public ArtifactKind Artifact { get; set; }

    // Colours (linear RGB multipliers, roughly SDSS gri composites).
    public (float R, float G, float B) BulgeColor { get; set; }
    public (float R, float G, float B) DiskColor { get; set; }

    // Sky and instrument.
    public float SkyLevel { get; set; }
    public float NoiseSigma { get; set; }
    public float PsfSigma { get; set; }
    public FieldStar[] FieldStars { get; set; } = [];

    /// <summary>0..1: how clearly a careful volunteer can see the structure (size, brightness against noise).</summary>
    public float Visibility { get; set; }

    /// <summary>Seed for the procedural texture (clumps, irregular shapes) of this galaxy.</summary>
    public uint TextureSeed { get; set; }

    /// <summary>Half-light-like size used for the render bounding box and for describing the galaxy.</summary>
    public float Extent { get; set; }
}
