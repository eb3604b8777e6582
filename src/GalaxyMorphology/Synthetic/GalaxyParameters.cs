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
/// The true parameters of one synthetic galaxy. Lengths are in pixels of a 424×424 frame (the renderer scales them
/// to any output size), angles in radians, fluxes linear (about 1 renders as a bright, nearly white pixel).
/// </summary>
internal sealed class GalaxyParameters
{
    public GalaxyKind Kind { get; init; }
    public float CenterX { get; init; }
    public float CenterY { get; init; }
    /// <summary>Position angle of the major axis.</summary>
    public float PositionAngle { get; init; }
    /// <summary>Apparent axis ratio b/a (1 round, small for cigars and edge-on disks).</summary>
    public float AxisRatio { get; init; }

    // Bulge or elliptical (Sérsic).
    public float BulgeFlux { get; init; }
    public float BulgeRadius { get; init; }
    public float SersicIndex { get; init; }
    /// <summary>Axis ratio of the bulge itself (rounder than the disk for inclined disks).</summary>
    public float BulgeAxisRatio { get; init; }
    /// <summary>Boxiness exponent of the bulge isophotes (2 ellipse, above 2 boxy).</summary>
    public float BulgeBoxiness { get; init; } = 2f;
    public BulgeProminence Prominence { get; init; }
    public EdgeOnBulge EdgeOnBulge { get; init; }

    // Disk (exponential).
    public float DiskFlux { get; init; }
    public float DiskScale { get; init; }

    // Spiral arms.
    public int Arms { get; init; }
    public ArmWinding Winding { get; init; }
    public float PitchAngle { get; init; }
    public float ArmStrength { get; init; }
    public float ArmPhase { get; init; }
    public float Clumpiness { get; init; }

    // Bar.
    public bool HasBar { get; init; }
    public float BarLength { get; init; }
    public float BarAngle { get; init; }
    public float BarFlux { get; init; }

    // Odd features.
    public OddFeature Odd { get; init; } = OddFeature.None;
    public float RingRadius { get; init; }
    public float RingFlux { get; init; }
    public float ArcRadius { get; init; }
    public float ArcAngle { get; init; }
    public float ArcFlux { get; init; }
    public float Distortion { get; init; }
    public float CompanionX { get; init; }
    public float CompanionY { get; init; }
    public float CompanionFlux { get; init; }
    public float CompanionRadius { get; init; }
    public float TailFlux { get; init; }
    public float DustDepth { get; init; }
    public float DustWidth { get; init; }

    public ArtifactKind Artifact { get; init; }

    // Colours (linear RGB multipliers, roughly SDSS gri composites).
    public (float R, float G, float B) BulgeColor { get; init; }
    public (float R, float G, float B) DiskColor { get; init; }

    // Sky and instrument.
    public float SkyLevel { get; init; }
    public float NoiseSigma { get; init; }
    public float PsfSigma { get; init; }
    public FieldStar[] FieldStars { get; init; } = [];

    /// <summary>0..1: how clearly a careful volunteer can see the structure (size, brightness against noise).</summary>
    public float Visibility { get; init; }

    /// <summary>Seed for the procedural texture (clumps, irregular shapes) of this galaxy.</summary>
    public uint TextureSeed { get; init; }

    /// <summary>Half-light-like size used for the render bounding box and for describing the galaxy.</summary>
    public float Extent { get; init; }
}
