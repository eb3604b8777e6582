namespace GalaxyMorphology.Synthetic;

/// <summary>
/// Draws the true parameters of a galaxy. Proportions follow the real Galaxy Zoo 2 sample: about a third
/// ellipticals, half disks (most of them spirals, a third barred), an eighth edge-on, a few stars and artefacts,
/// a fifth with something odd. Sizes, brightness and noise depend on the difficulty.
/// </summary>
internal static class ParameterSampler
{
    private const float Frame = SyntheticGalaxyGenerator.NativeSize;

    public static GalaxyParameters Sample(int seed, SyntheticDifficulty difficulty, long id)
    {
        var rng = new SyntheticRandom(seed, difficulty, id, SyntheticRandom.ParameterStream);
        var (sizeFactor, fluxFactor, noiseFactor) = difficulty switch
        {
            SyntheticDifficulty.Easy => (1.3f, 1.4f, 0.6f),
            SyntheticDifficulty.Hard => (0.7f, 0.65f, 1.7f),
            _ => (1f, 1f, 1f),
        };

        var kind = (GalaxyKind)rng.Categorical([0.33, 0.54, 0.12, 0.008, 0.004]);
        // The Kaggle cut-outs are scaled by each galaxy's Petrosian radius, so apparent sizes vary little: log-normal
        // around 48 px with a floor, calibrated with the other constants below on the real sample (docs/synthetic.md).
        var size = sizeFactor * (float)Math.Exp(rng.Gaussian() * 0.22) * 48f;
        size = Math.Clamp(size, 14f, 100f);
        var brightness = fluxFactor * (float)Math.Exp(rng.Gaussian() * 0.4);
        var noise = noiseFactor * 0.014f * (float)Math.Exp(rng.Gaussian() * 0.2);

        var b = new GalaxyParameters
        {
            Kind = kind,
            CenterX = Frame / 2 + (float)rng.Gaussian() * 1.5f,
            CenterY = Frame / 2 + (float)rng.Gaussian() * 1.5f,
            PositionAngle = (float)rng.Uniform(0, Math.PI),
            SkyLevel = 0.002f * (float)rng.Uniform(0.5, 1.5),
            NoiseSigma = noise,
            PsfSigma = (float)rng.Uniform(2.2, 3.8),
            TextureSeed = (uint)rng.NextUInt64(),
            BulgeColor = Jitter(ref rng, (1.0f, 0.66f, 0.36f), 0.08f),
            DiskColor = Jitter(ref rng, (1.0f, 0.82f, 0.68f), 0.18f),
        };

        switch (kind)
        {
            case GalaxyKind.Elliptical:
                SampleElliptical(ref rng, b, size, brightness);
                break;
            case GalaxyKind.Disk:
                SampleDisk(ref rng, b, size, brightness);
                break;
            case GalaxyKind.EdgeOn:
                SampleEdgeOn(ref rng, b, size, brightness);
                break;
            default:
                SampleArtifact(ref rng, b, kind, size, brightness);
                break;
        }

        if (kind is not (GalaxyKind.Star or GalaxyKind.Artifact))
            SampleOddFeature(ref rng, b, size, brightness);

        b.FieldStars = SampleFieldStars(ref rng, b.PsfSigma, difficulty);

        // Visibility: how well structure stands out, from apparent size and surface brightness against the noise.
        var surface = Math.Max(b.DiskFlux, b.BulgeFlux * 0.6f) + 1e-4f;
        var score = 1.6 * Math.Log(b.Extent / 80.0) + 0.9 * Math.Log(surface / b.NoiseSigma / 60.0) + 2.0;
        b.Visibility = (float)(1 / (1 + Math.Exp(-score)));
        return b;
    }

    private static void SampleElliptical(ref SyntheticRandom rng, GalaxyParameters b, float size, float brightness)
    {
        // Roundness mixture: round, in between and cigar-shaped in the real proportions (about 40/47/13).
        b.AxisRatio = rng.Categorical([0.42, 0.53, 0.05]) switch
        {
            0 => (float)rng.Uniform(0.80, 1.0),
            1 => (float)rng.Uniform(0.47, 0.80),
            _ => (float)rng.Uniform(0.22, 0.47),
        };
        b.BulgeAxisRatio = b.AxisRatio;
        b.SersicIndex = (float)rng.Uniform(1.2, 2.6);
        b.BulgeRadius = Math.Min(size * (float)rng.Uniform(0.7, 1.2), 55f);
        b.BulgeFlux = brightness * (float)rng.Uniform(0.04, 0.10);
        b.Extent = b.BulgeRadius * 2.6f;
    }

    private static void SampleDisk(ref SyntheticRandom rng, GalaxyParameters b, float size, float brightness)
    {
        var cosI = (float)rng.Uniform(0.3, 1.0);
        b.AxisRatio = MathF.Sqrt(cosI * cosI * (1 - 0.12f * 0.12f) + 0.12f * 0.12f);
        b.DiskScale = size * (float)rng.Uniform(0.55, 0.95);
        b.DiskFlux = brightness * (float)rng.Uniform(0.3, 0.65);
        b.Extent = b.DiskScale * 3.2f;

        b.Prominence = (BulgeProminence)rng.Categorical([0.12, 0.40, 0.38, 0.10]);
        SetBulge(ref rng, b, b.Prominence switch
        {
            BulgeProminence.None => (0f, 0f),
            BulgeProminence.JustNoticeable => (0.15f, 0.25f),
            BulgeProminence.Obvious => (0.27f, 0.5f),
            _ => (0.45f, 0.85f),
        });
        b.BulgeAxisRatio = 0.5f + 0.5f * b.AxisRatio;

        if (rng.Chance(0.72))
        {
            b.Arms = rng.Categorical([0.07, 0.64, 0.12, 0.08, 0.09]) + 1;
            if (b.Arms == 5) b.Arms = rng.Next(5, 8);
            b.Winding = (ArmWinding)rng.Categorical([0.35, 0.40, 0.25]);
            b.PitchAngle = (float)(b.Winding switch
            {
                ArmWinding.Tight => rng.Uniform(11, 16),
                ArmWinding.Medium => rng.Uniform(19, 26),
                _ => rng.Uniform(30, 42),
            } * Math.PI / 180);
            b.ArmStrength = (float)rng.Uniform(0.2, 0.55);
            b.ArmPhase = (float)rng.Uniform(0, 2 * Math.PI);
            b.Clumpiness = (float)rng.Uniform(0.2, 0.7);
        }
        if (rng.Chance(0.33))
        {
            b.HasBar = true;
            b.BarLength = b.DiskScale * (float)rng.Uniform(0.7, 1.4);
            b.BarAngle = (float)rng.Uniform(0, Math.PI);
            b.BarFlux = b.DiskFlux * (float)rng.Uniform(0.5, 1.1);
        }
    }

    private static void SampleEdgeOn(ref SyntheticRandom rng, GalaxyParameters b, float size, float brightness)
    {
        b.AxisRatio = (float)rng.Uniform(0.08, 0.24);
        b.DiskScale = size * (float)rng.Uniform(0.6, 1.0);
        // Edge-on disks are seen through their whole length: brighter per area than face-on ones.
        b.DiskFlux = brightness * (float)rng.Uniform(0.5, 0.9);
        b.Extent = b.DiskScale * 3.2f;
        b.EdgeOnBulge = (EdgeOnBulge)rng.Categorical([0.45, 0.15, 0.40]);
        if (b.EdgeOnBulge != EdgeOnBulge.None)
        {
            SetBulge(ref rng, b, ((float)rng.Uniform(0.18, 0.35), (float)rng.Uniform(1.2, 2.5)));
            b.BulgeAxisRatio = (float)rng.Uniform(0.6, 0.9);
            b.BulgeBoxiness = b.EdgeOnBulge == EdgeOnBulge.Boxy ? 4.5f : 2f;
        }
    }

    private static void SetBulge(ref SyntheticRandom rng, GalaxyParameters b, (float Radius, float Flux) relative)
    {
        b.BulgeRadius = b.DiskScale * relative.Radius;
        b.BulgeFlux = b.DiskFlux * relative.Flux;
        b.SersicIndex = (float)rng.Uniform(1.2, 3.0);
        b.BulgeAxisRatio = 1f;
    }

    private static void SampleArtifact(ref SyntheticRandom rng, GalaxyParameters b, GalaxyKind kind, float size, float brightness)
    {
        b.AxisRatio = 1f;
        b.Artifact = kind == GalaxyKind.Star ? ArtifactKind.Star : rng.Chance(0.6) ? ArtifactKind.SatelliteTrail : ArtifactKind.Ghost;
        b.BulgeFlux = brightness * (float)rng.Uniform(3, 30); // star peak (or trail brightness)
        b.BulgeRadius = size * 0.3f;
        b.Extent = size;
        b.ArcAngle = (float)rng.Uniform(0, Math.PI);
        // A faint small galaxy sometimes sits behind an artefact.
        if (kind == GalaxyKind.Artifact)
        {
            b.DiskScale = size * 0.4f;
            b.DiskFlux = brightness * 0.15f;
            b.AxisRatio = (float)rng.Uniform(0.5, 1.0);
        }
    }

    private static void SampleOddFeature(ref SyntheticRandom rng, GalaxyParameters b, float size, float brightness)
    {
        var dustChance = b.Kind == GalaxyKind.EdgeOn ? 0.10 : 0.0;
        if (rng.Chance(dustChance))
        {
            b.Odd = OddFeature.DustLane;
        }
        else if (rng.Chance(0.2))
        {
            Span<double> weights = [0.16, 0.06, 0.18, 0.14, 0.16, 0.28, 0.02];
            if (b.Kind != GalaxyKind.Disk) weights[3] = 0; // irregular shapes replace a disk
            b.Odd = (OddFeature)rng.Categorical(weights);
        }
        var scale = Math.Max(b.DiskScale, b.BulgeRadius * 0.8f);
        switch (b.Odd)
        {
            case OddFeature.Ring:
                b.RingRadius = scale * (float)rng.Uniform(1.6, 2.6);
                b.RingFlux = brightness * (float)rng.Uniform(0.08, 0.2);
                b.Extent = Math.Max(b.Extent, b.RingRadius * 1.3f);
                break;
            case OddFeature.LensOrArc:
                b.ArcRadius = scale * (float)rng.Uniform(1.8, 3.0);
                b.ArcAngle = (float)rng.Uniform(0, 2 * Math.PI);
                b.ArcFlux = brightness * (float)rng.Uniform(0.12, 0.3);
                b.Extent = Math.Max(b.Extent, b.ArcRadius * 1.2f);
                break;
            case OddFeature.Disturbed:
                b.Distortion = scale * (float)rng.Uniform(0.3, 0.6);
                b.TailFlux = b.Kind == GalaxyKind.Elliptical ? b.BulgeFlux * 0.25f : b.DiskFlux * 0.35f;
                break;
            case OddFeature.Irregular:
                b.Arms = 0;
                b.HasBar = false;
                b.Prominence = BulgeProminence.None;
                b.BulgeFlux = 0;
                b.Clumpiness = (float)rng.Uniform(0.8, 1.0);
                b.Distortion = scale * (float)rng.Uniform(0.4, 0.8);
                b.DiskColor = (0.65f, 0.8f, 1.05f);
                break;
            case OddFeature.Merger:
                var angle = rng.Uniform(0, 2 * Math.PI);
                var distance = scale * (float)rng.Uniform(1.5, 3.2);
                b.CompanionX = (float)(Math.Cos(angle) * distance);
                b.CompanionY = (float)(Math.Sin(angle) * distance);
                b.CompanionRadius = size * (float)rng.Uniform(0.3, 0.8);
                b.CompanionFlux = brightness * (float)rng.Uniform(0.04, 0.15);
                b.TailFlux = brightness * (float)rng.Uniform(0.06, 0.15);
                b.Distortion = scale * (float)rng.Uniform(0.15, 0.35);
                b.Extent = Math.Max(b.Extent, distance + b.CompanionRadius * 2);
                break;
            case OddFeature.DustLane:
                b.DustDepth = (float)rng.Uniform(0.55, 0.9);
                b.DustWidth = Math.Max(1.2f, scale * b.AxisRatio * (float)rng.Uniform(0.25, 0.45));
                break;
            case OddFeature.Other:
                // A bright foreground star overlapping the galaxy.
                b.ArcRadius = scale * (float)rng.Uniform(0.6, 1.6);
                b.ArcAngle = (float)rng.Uniform(0, 2 * Math.PI);
                b.ArcFlux = brightness * (float)rng.Uniform(4, 20);
                break;
        }
    }

    private static FieldStar[] SampleFieldStars(ref SyntheticRandom rng, float psf, SyntheticDifficulty difficulty)
    {
        var count = rng.Categorical([0.25, 0.3, 0.2, 0.12, 0.08, 0.05]) + (difficulty == SyntheticDifficulty.Hard ? 1 : 0);
        var stars = new FieldStar[count];
        for (var i = 0; i < count; i++)
        {
            float x, y;
            do
            {
                x = (float)rng.Uniform(4, Frame - 4);
                y = (float)rng.Uniform(4, Frame - 4);
            } while (MathF.Abs(x - Frame / 2) < 50 && MathF.Abs(y - Frame / 2) < 50);
            var flux = (float)Math.Exp(rng.Uniform(Math.Log(0.05), Math.Log(12)));
            // Stellar colours from blue-white to deep red, as the gri composites show them.
            var t = (float)rng.NextDouble();
            var (r, g, bl) = t < 0.2f ? (0.75f, 0.85f, 1.1f) : t < 0.6f ? (1f, 0.85f, 0.65f) : t < 0.85f ? (1.1f, 0.7f, 0.45f) : (1.2f, 0.45f, 0.3f);
            stars[i] = new FieldStar(x, y, flux, psf * (float)rng.Uniform(0.9, 1.1), r, g, bl);
        }
        return stars;
    }

    private static (float, float, float) Jitter(ref SyntheticRandom rng, (float R, float G, float B) c, float amount) =>
        (c.R * (1 + amount * (float)rng.Gaussian()), c.G, c.B * (1 + amount * (float)rng.Gaussian()));
}
