using System.Buffers;
using SkiaSharp;

namespace GalaxyMorphology.Synthetic;

/// <summary>
/// Renders <see cref="GalaxyParameters"/> into an RGB image: analytic light profiles summed into a linear float
/// buffer (galaxy only inside its bounding box), Gaussian PSF blur, field stars, sky noise, then an asinh stretch
/// like the SDSS colour composites. One buffer per image, no allocation per pixel.
/// </summary>
internal static class GalaxyRenderer
{
    private const float Frame = SyntheticGalaxyGenerator.NativeSize;

    // Stretch: display = asinh(Softening * flux) / asinh(Softening * WhitePoint), clipped per channel.
    private const float Softening = 7f;
    private static readonly float StretchNorm = 1f / MathF.Asinh(Softening * 1.3f);

    public static unsafe SKBitmap Render(GalaxyParameters p, int seed, SyntheticDifficulty difficulty, long id, int size)
    {
        var n = size * size;
        var buffer = ArrayPool<float>.Shared.Rent(3 * n);
        var noiseBuffer = ArrayPool<float>.Shared.Rent(3 * n);
        try
        {
            var planes = buffer.AsSpan(0, 3 * n);
            planes.Clear();
            var scale = size / Frame;

            var box = Bounds(p, size, scale);
            if (box.Width > 0 && box.Height > 0)
            {
                DrawGalaxy(p, planes, size, scale, box);
                var sigma = p.PsfSigma * scale;
                if (sigma >= 0.35f) Blur(planes, size, box, sigma);
            }
            DrawStars(p, planes, size, scale);
            DrawArtifacts(p, planes, size, scale);

            var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
            var noise = new SyntheticRandom(seed, difficulty, id, SyntheticRandom.NoiseStream);
            var sky = NoisePlanes(p, ref noise, size, scale, noiseBuffer.AsSpan(0, 3 * n));
            var dst = (byte*)bitmap.GetPixels();
            var r = planes[..n];
            var g = planes.Slice(n, n);
            var b = planes.Slice(2 * n, n);
            var skyR = sky[..n];
            var skyG = sky.Slice(n, n);
            var skyB = sky.Slice(2 * n, n);
            // The SDSS sky is faintly brown: residual light in the red and green bands, slightly over-subtracted blue.
            var (levelR, levelG, levelB) = (p.SkyLevel * 1.2f, p.SkyLevel, -p.SkyLevel * 1.2f);
            const float gain = 0.0015f;
            for (var i = 0; i < n; i++)
            {
                var rr = r[i] + levelR + skyR[i];
                var gg = g[i] + levelG + skyG[i];
                var bb = b[i] + levelB + skyB[i];
                var light = r[i] + g[i] + b[i];
                if (light > 1e-3f)
                {
                    // Photon noise of the object itself.
                    var shot = MathF.Sqrt(gain * light);
                    rr += shot * noise.FastGaussian();
                    gg += shot * noise.FastGaussian();
                    bb += shot * noise.FastGaussian();
                }
                dst[4 * i] = Stretch(rr);
                dst[4 * i + 1] = Stretch(gg);
                dst[4 * i + 2] = Stretch(bb);
                dst[4 * i + 3] = 255;
            }
            bitmap.NotifyPixelsChanged();
            return bitmap;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
            ArrayPool<float>.Shared.Return(noiseBuffer);
        }
    }

    /// <summary>
    /// Sky noise for the three bands. The Kaggle cut-outs were resampled from SDSS frames, so their noise is
    /// correlated over a few pixels: white noise smoothed by a small box at full size, white at small sizes,
    /// where one output pixel already averages several native ones (which also lowers its sigma).
    /// </summary>
    private static Span<float> NoisePlanes(GalaxyParameters p, ref SyntheticRandom rng, int size, float scale, Span<float> planes)
    {
        var radius = (int)MathF.Round(scale * 1.2f);
        var sigma = p.NoiseSigma * MathF.Min(1f, scale) * (2 * radius + 1);
        rng.FillGaussian(planes, sigma);
        if (radius > 0)
        {
            var n = size * size;
            var line = ArrayPool<float>.Shared.Rent(size);
            var scratch = ArrayPool<float>.Shared.Rent(size);
            var rows = ArrayPool<float>.Shared.Rent(n);
            try
            {
                for (var c = 0; c < 3; c++)
                {
                    var plane = planes.Slice(c * n, n);
                    for (var y = 0; y < size; y++)
                    {
                        var row = plane.Slice(y * size, size);
                        row.CopyTo(line);
                        BoxPass(line, scratch, size, radius);
                        line.AsSpan(0, size).CopyTo(row);
                    }
                    VerticalBoxPass(plane, rows.AsSpan(0, n), size, radius);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(line);
                ArrayPool<float>.Shared.Return(scratch);
                ArrayPool<float>.Shared.Return(rows);
            }
        }
        return planes;
    }

    // The stretch as a table: flux steps of 1/2048 are far finer than one output level anywhere on the curve.
    private const int StretchSteps = 2048;
    private static readonly byte[] StretchTable = BuildStretchTable();

    private static byte[] BuildStretchTable()
    {
        var table = new byte[(int)(1.3f * StretchSteps) + 2];
        for (var i = 0; i < table.Length; i++)
        {
            var v = MathF.Asinh(Softening * i / StretchSteps) * StretchNorm;
            table[i] = v >= 1f ? (byte)255 : (byte)(v * 255f + 0.5f);
        }
        return table;
    }

    private static byte Stretch(float flux)
    {
        if (flux <= 0) return 0;
        var index = flux * StretchSteps;
        return index >= StretchTable.Length - 1 ? (byte)255 : StretchTable[(int)(index + 0.5f)];
    }

    /// <summary>Pixel bounds of the galaxy, and the radii (424 units) beyond which its and its companion's light is negligible.</summary>
    private readonly record struct Box(int X0, int Y0, int X1, int Y1, float Radius, float CompanionRadius)
    {
        public int Width => X1 - X0;
        public int Height => Y1 - Y0;
    }

    /// <summary>The pixel box outside which the galaxy's light is far below the sky noise.</summary>
    private static Box Bounds(GalaxyParameters p, int size, float scale)
    {
        var floor = MathF.Max(p.NoiseSigma * 0.1f, 1e-4f);
        float radius = 0;
        if (p.DiskFlux > 0) radius = MathF.Max(radius, p.DiskScale * MathF.Log(MathF.Max(p.DiskFlux / floor, 1.01f)));
        if (p.BulgeFlux > 0 && p.Kind is not (GalaxyKind.Star or GalaxyKind.Artifact))
            radius = MathF.Max(radius, SersicReach(p.BulgeFlux, p.SersicIndex, p.BulgeRadius, floor) / MathF.Sqrt(p.BulgeAxisRatio));
        if (p.TailFlux > 0) radius = MathF.Max(radius, TailScale(p) * MathF.Log(MathF.Max(3 * p.TailFlux / floor, 1.01f)));
        radius = MathF.Max(radius, p.Extent * 1.1f);
        if (p.RingRadius > 0) radius = MathF.Max(radius, p.RingRadius * 1.3f);
        if (p.ArcRadius > 0) radius = MathF.Max(radius, p.ArcRadius + 10 * p.PsfSigma);
        if (p.Distortion > 0) radius += p.Distortion * 2;
        var pad = 4 * p.PsfSigma;
        var cx0 = p.CenterX;
        var cy0 = p.CenterY;
        float minX = cx0 - radius - pad, maxX = cx0 + radius + pad, minY = cy0 - radius - pad, maxY = cy0 + radius + pad;
        var companionReach = 0f;
        if (p.CompanionFlux > 0)
        {
            companionReach = SersicReach(p.CompanionFlux, CompanionSersic, p.CompanionRadius, floor);
            var rc = companionReach + pad;
            minX = MathF.Min(minX, cx0 + p.CompanionX - rc);
            maxX = MathF.Max(maxX, cx0 + p.CompanionX + rc);
            minY = MathF.Min(minY, cy0 + p.CompanionY - rc);
            maxY = MathF.Max(maxY, cy0 + p.CompanionY + rc);
        }
        return new Box(
            Math.Clamp((int)MathF.Floor(minX * scale), 0, size), Math.Clamp((int)MathF.Floor(minY * scale), 0, size),
            Math.Clamp((int)MathF.Ceiling(maxX * scale) + 1, 0, size), Math.Clamp((int)MathF.Ceiling(maxY * scale) + 1, 0, size),
            radius, companionReach);
    }

    private const float CompanionSersic = 3f;

    /// <summary>Radius where a Sérsic profile with intensity <paramref name="flux"/> at its effective radius drops to <paramref name="floor"/>.</summary>
    private static float SersicReach(float flux, float n, float effectiveRadius, float floor)
    {
        var bn = 2 * n - 1f / 3;
        var x = MathF.Log(MathF.Max(flux * MathF.Exp(bn) / floor, 1.01f)) / bn;
        return effectiveRadius * MathF.Pow(x, n);
    }

    private static float TailScale(GalaxyParameters p) => MathF.Max(p.DiskFlux > 0 ? p.DiskScale * 2.2f : p.BulgeRadius * 2.5f, 1f);

    private static void DrawGalaxy(GalaxyParameters p, Span<float> planes, int size, float scale, Box box)
    {
        var n = size * size;
        var r = planes[..n];
        var g = planes.Slice(n, n);
        var b = planes.Slice(2 * n, n);
        var inv = 1f / scale;
        var (sin, cos) = MathF.SinCos(p.PositionAngle);
        var (barSin, barCos) = MathF.SinCos(p.BarAngle);
        var invQ = 1f / p.AxisRatio;
        var invQb = 1f / p.BulgeAxisRatio;

        var sersicN = p.SersicIndex;
        var bn = 2 * sersicN - 1f / 3;
        var invN = 1f / sersicN;
        var bulgeCentral = p.BulgeFlux * MathF.Exp(bn);
        var invRe = 1f / p.BulgeRadius;
        var hasBulge = p.BulgeFlux > 0 && p.Kind is not (GalaxyKind.Star or GalaxyKind.Artifact);
        var boxy = p.BulgeBoxiness > 2.01f;
        var invBoxy = 1f / p.BulgeBoxiness;

        // Radial profiles as tables (pow/exp per pixel dominate the cost otherwise), 1/4 pixel steps.
        var reach = MathF.Sqrt(box.Width * box.Width + box.Height * box.Height) * inv + 2 * p.Distortion + 2;
        using var bulgeProfile = hasBulge ? new RadialProfile(reach / p.BulgeAxisRatio, r => bulgeCentral * MathF.Exp(-bn * MathF.Pow(r * invRe, invN))) : null;

        var hasDisk = p.DiskFlux > 0;
        var invH = 1f / p.DiskScale;
        using var diskProfile = hasDisk ? new RadialProfile(reach / p.AxisRatio, r => p.DiskFlux * MathF.Exp(-r * invH)) : null;
        using var logProfile = hasDisk && p.Arms > 0 ? new RadialProfile(reach / p.AxisRatio, r => MathF.Log(r + 0.5f)) : null;
        var cotPitch = p.Arms > 0 ? 1f / MathF.Tan(p.PitchAngle) : 0f;
        var armInner = p.HasBar ? p.BarLength * 0.9f : MathF.Max(p.BulgeRadius * 1.2f, p.DiskScale * 0.35f);
        var sharpen = p.Arms >= 5 ? 2 : 4;
        var armMean = sharpen == 4 ? 35f / 128f : 3f / 8f;

        var invBar = p.HasBar ? 1f / p.BarLength : 0f;
        var invBarWidth = p.HasBar ? 1f / (p.BarLength * 0.22f) : 0f;

        var ringWidth = p.RingRadius * 0.09f;
        var (arcSin, arcCos) = MathF.SinCos(p.ArcAngle);
        var arcStar = p.Odd == OddFeature.Other;
        var invCompanion = p.CompanionFlux > 0 ? 1f / p.CompanionRadius : 0f;
        var companionBn = 2 * CompanionSersic - 1f / 3;
        var companionCentral = p.CompanionFlux * MathF.Exp(companionBn);
        var invTailH = 1f / TailScale(p);
        var tailCot = 1f / MathF.Tan(0.6f);
        var distortionScale = 1f / MathF.Max(p.Extent * 0.6f, 4f);
        var clumpScale = 1f / MathF.Max(p.DiskScale * 0.18f, 1.2f);
        var seed = p.TextureSeed;
        var dustInvWidth = p.DustWidth > 0 ? 1f / p.DustWidth : 0f;
        var (bc, dc) = (p.BulgeColor, p.DiskColor);

        // The light left at the edge of the box is faint but, averaged over many pixels, a step would show:
        // fade it out radially over the outer quarter of the reach.
        var fadeEnd = box.Radius * box.Radius;
        var fadeStart = 0.75f * box.Radius * (0.75f * box.Radius);
        var companionFadeEnd = box.CompanionRadius * box.CompanionRadius;
        var companionFadeStart = 0.5625f * companionFadeEnd;

        for (var py = box.Y0; py < box.Y1; py++)
        {
            var row = py * size;
            var y = (py + 0.5f) * inv - p.CenterY;
            for (var px = box.X0; px < box.X1; px++)
            {
                var x = (px + 0.5f) * inv - p.CenterX;
                var wx = x;
                var wy = y;
                if (p.Distortion > 0)
                {
                    // Low-frequency warp: disturbed galaxies, mergers and irregulars lose their symmetry.
                    var fx = x * distortionScale;
                    var fy = y * distortionScale;
                    wx += p.Distortion * (ValueNoise(fx, fy, seed) - 0.5f) * 2f;
                    wy += p.Distortion * (ValueNoise(fx + 17.3f, fy - 9.1f, seed) - 0.5f) * 2f;
                }
                var xr = wx * cos + wy * sin;
                var yr = -wx * sin + wy * cos;

                float bulge = 0, disk = 0, blue = 0;
                if (hasBulge)
                {
                    var yb = yr * invQb;
                    float rb;
                    if (boxy)
                    {
                        var ax = MathF.Abs(xr) + 0.3f;
                        var ay = MathF.Abs(yb) + 0.3f;
                        rb = MathF.Pow(MathF.Pow(ax, p.BulgeBoxiness) + MathF.Pow(ay, p.BulgeBoxiness), invBoxy);
                    }
                    else
                    {
                        rb = MathF.Sqrt(xr * xr + yb * yb + 0.25f);
                    }
                    bulge = bulgeProfile!.At(rb);
                }

                var yd = yr * invQ;
                var rd = MathF.Sqrt(xr * xr + yd * yd);
                if (hasDisk)
                {
                    disk = diskProfile!.At(rd);
                    if (p.Arms > 0)
                    {
                        var theta = MathF.Atan2(yd, xr);
                        var phase = p.Arms * (theta - logProfile!.At(rd) * cotPitch) + p.ArmPhase;
                        var arm = 0.5f + 0.5f * MathF.Cos(phase);
                        arm *= arm;
                        if (sharpen == 4) arm *= arm;
                        var onset = SmoothStep(armInner, armInner * 1.6f, rd);
                        var a = p.ArmStrength * onset;
                        var armLight = arm / armMean;
                        if (p.Clumpiness > 0)
                            armLight *= 1f - p.Clumpiness + 2f * p.Clumpiness * ValueNoise(xr * clumpScale, yd * clumpScale, seed + 7);
                        var armFlux = disk * a * armLight;
                        disk *= 1f - a;
                        blue += armFlux;
                    }
                    else if (p.Clumpiness > 0)
                    {
                        var c = ValueNoise(xr * clumpScale * 0.6f, yd * clumpScale * 0.6f, seed + 3);
                        var c2 = ValueNoise(xr * clumpScale * 1.5f, yd * clumpScale * 1.5f, seed + 5);
                        var clumps = c * c * c2 * 4f;
                        blue += disk * p.Clumpiness * clumps;
                        disk *= 1f - p.Clumpiness * 0.7f;
                    }
                    if (p.HasBar)
                    {
                        var xb = xr * barCos + yd * barSin;
                        var yb = -xr * barSin + yd * barCos;
                        var u = xb * invBar;
                        var v = yb * invBarWidth;
                        var u2 = u * u;
                        bulge += p.BarFlux * MathF.Exp(-u2 * u2 - v * v);
                    }
                }
                if (p.RingFlux > 0)
                {
                    var dr = (rd - p.RingRadius) / ringWidth;
                    var ring = p.RingFlux * MathF.Exp(-0.5f * dr * dr);
                    ring *= 0.55f + 0.9f * ValueNoise(xr * 0.15f, yd * 0.15f, seed + 11);
                    blue += ring;
                }
                if (p.ArcFlux > 0)
                {
                    var ax = x - p.ArcRadius * arcCos;
                    var ay = y - p.ArcRadius * arcSin;
                    if (arcStar)
                    {
                        var d2 = (ax * ax + ay * ay) / (p.PsfSigma * p.PsfSigma * 1.2f);
                        var star = p.ArcFlux * MathF.Exp(-0.5f * d2);
                        r[row + px] += star;
                        g[row + px] += star * 0.95f;
                        b[row + px] += star * 0.85f;
                    }
                    else
                    {
                        // A thin tangential arc (a lensed background galaxy) at the arc radius.
                        var rc = MathF.Sqrt(x * x + y * y);
                        var along = x * -arcSin + y * arcCos; // distance along the tangent through the arc centre
                        var toward = x * arcCos + y * arcSin;
                        var dr = (rc - p.ArcRadius) / 1.6f;
                        var spread = p.ArcRadius * 0.45f;
                        var arc = toward > 0 ? p.ArcFlux * MathF.Exp(-0.5f * dr * dr - 0.5f * along * along / (spread * spread)) : 0f;
                        blue += arc;
                    }
                }
                if (p.TailFlux > 0)
                {
                    // Tidal tails: a faint, loose one-armed pattern in an extended envelope.
                    var rt = MathF.Sqrt(xr * xr + yr * yr);
                    var theta = MathF.Atan2(yr, xr);
                    var arm = 0.5f + 0.5f * MathF.Cos(theta - MathF.Log(rt + 1f) * tailCot + p.ArmPhase);
                    arm *= arm;
                    arm *= arm;
                    disk += p.TailFlux * MathF.Exp(-rt * invTailH) * arm * 3f * SmoothStep(p.Extent * 0.2f, p.Extent * 0.6f, rt);
                }
                var taper = SmoothStep(fadeEnd, fadeStart, x * x + y * y);
                bulge *= taper;
                disk *= taper;
                blue *= taper;
                if (p.CompanionFlux > 0)
                {
                    var cx = x - p.CompanionX;
                    var cy = y - p.CompanionY;
                    var rc = MathF.Sqrt(cx * cx + cy * cy * 1.3f + 0.25f);
                    bulge += companionCentral * MathF.Exp(-companionBn * MathF.Pow(rc * invCompanion, 1f / CompanionSersic))
                        * SmoothStep(companionFadeEnd, companionFadeStart, cx * cx + cy * cy);
                }

                var i = row + px;
                var lr = bulge * bc.R + disk * dc.R + blue * dc.R * 0.85f;
                var lg = bulge * bc.G + disk * dc.G + blue * dc.G * 0.95f;
                var lb = bulge * bc.B + disk * dc.B + blue * dc.B * 1.1f;
                if (dustInvWidth > 0)
                {
                    var dy = (yr - p.DustWidth * 0.3f) * dustInvWidth;
                    var along = SmoothStep(p.Extent * 0.9f, p.Extent * 0.2f, MathF.Abs(xr));
                    var depth = p.DustDepth * MathF.Exp(-0.5f * dy * dy) * along;
                    lr *= 1f - depth * 0.8f;
                    lg *= 1f - depth * 0.9f;
                    lb *= 1f - depth;
                }
                r[i] += lr;
                g[i] += lg;
                b[i] += lb;
            }
        }
    }

    private static void DrawStars(GalaxyParameters p, Span<float> planes, int size, float scale)
    {
        foreach (var s in p.FieldStars)
            AddStar(planes, size, scale, s.X, s.Y, s.Flux, s.Sigma, s.R, s.G, s.B, s.Flux > 8f);
    }

    private static void DrawArtifacts(GalaxyParameters p, Span<float> planes, int size, float scale)
    {
        if (p.Kind == GalaxyKind.Star)
        {
            AddStar(planes, size, scale, p.CenterX, p.CenterY, p.BulgeFlux, p.PsfSigma, 1f, 0.95f, 0.85f, spikes: true);
            return;
        }
        if (p.Kind != GalaxyKind.Artifact) return;
        var n = size * size;
        var inv = 1f / scale;
        var (sin, cos) = MathF.SinCos(p.ArcAngle);
        var channel = (int)(p.TextureSeed % 3);
        for (var py = 0; py < size; py++)
        {
            var y = (py + 0.5f) * inv - p.CenterY;
            for (var px = 0; px < size; px++)
            {
                var x = (px + 0.5f) * inv - p.CenterX;
                float v;
                if (p.Artifact == ArtifactKind.SatelliteTrail)
                {
                    // A straight streak across the frame, bright in one band only (as SDSS trails are).
                    var d = (-x * sin + y * cos) / 1.3f;
                    v = p.BulgeFlux * 0.05f * MathF.Exp(-0.5f * d * d);
                }
                else
                {
                    // A ghost: a faint coloured doughnut from internal reflections.
                    var rr = MathF.Sqrt(x * x + y * y);
                    var d = (rr - p.Extent) / (p.Extent * 0.25f);
                    v = p.BulgeFlux * 0.012f * MathF.Exp(-0.5f * d * d);
                }
                if (v > 1e-5f) planes[channel * n + py * size + px] += v;
            }
        }
    }

    private static void AddStar(Span<float> planes, int size, float scale, float cx, float cy, float flux, float sigma, float cr, float cg, float cb, bool spikes)
    {
        var n = size * size;
        var s = MathF.Max(sigma * scale, 0.45f);
        // Bright stars carry a wide halo and, sometimes, diffraction spikes; their cores saturate anyway.
        var halo = flux * 0.02f;
        var haloScale = sigma * 4f * scale;
        var reach = MathF.Max(4 * s, flux > 1 ? haloScale * MathF.Log(flux * 800f) : 0f);
        if (spikes) reach = MathF.Max(reach, 40f * scale * MathF.Sqrt(flux));
        var x0 = Math.Max(0, (int)(cx * scale - reach));
        var x1 = Math.Min(size, (int)(cx * scale + reach) + 1);
        var y0 = Math.Max(0, (int)(cy * scale - reach));
        var y1 = Math.Min(size, (int)(cy * scale + reach) + 1);
        var invTwoS2 = 1f / (2 * s * s);
        var peak = flux;
        for (var py = y0; py < y1; py++)
        {
            var dy = py + 0.5f - cy * scale;
            for (var px = x0; px < x1; px++)
            {
                var dx = px + 0.5f - cx * scale;
                var d2 = dx * dx + dy * dy;
                var v = peak * MathF.Exp(-d2 * invTwoS2);
                if (flux > 1) v += halo * MathF.Exp(-MathF.Sqrt(d2) / haloScale);
                if (spikes)
                {
                    var a = MathF.Abs(dx + dy) * 0.7071f;
                    var c = MathF.Abs(dx - dy) * 0.7071f;
                    var w = 0.6f * s;
                    v += flux * 0.02f * (MathF.Exp(-a * a / (w * w) - c / (12f * scale)) + MathF.Exp(-c * c / (w * w) - a / (12f * scale)));
                }
                var i = py * size + px;
                planes[i] += v * cr;
                planes[n + i] += v * cg;
                planes[2 * n + i] += v * cb;
            }
        }
    }

    /// <summary>
    /// Gaussian PSF blur of the three planes inside <paramref name="box"/> (grown by the kernel), approximated by
    /// three box blurs in each direction: running sums cost the same for any PSF width.
    /// </summary>
    private static void Blur(Span<float> planes, int size, Box box, float sigma)
    {
        // Three boxes of width w have variance 3 (w² − 1) / 12 = σ².
        var radius = Math.Max(1, (int)MathF.Round((MathF.Sqrt(4 * sigma * sigma + 1) - 1) / 2));
        var grow = 3 * radius;
        var x0 = Math.Max(0, box.X0 - grow);
        var x1 = Math.Min(size, box.X1 + grow);
        var y0 = Math.Max(0, box.Y0 - grow);
        var y1 = Math.Min(size, box.Y1 + grow);
        var n = size * size;
        var length = Math.Max(x1 - x0, y1 - y0);
        var line = ArrayPool<float>.Shared.Rent(length);
        var scratch = ArrayPool<float>.Shared.Rent(length);
        try
        {
            for (var c = 0; c < 3; c++)
            {
                var plane = planes.Slice(c * n, n);
                for (var y = y0; y < y1; y++)
                {
                    var row = plane.Slice(y * size + x0, x1 - x0);
                    row.CopyTo(line);
                    for (var pass = 0; pass < 3; pass++) BoxPass(line, scratch, x1 - x0, radius);
                    line.AsSpan(0, x1 - x0).CopyTo(row);
                }
                for (var x = x0; x < x1; x++)
                {
                    for (var y = y0; y < y1; y++) line[y - y0] = plane[y * size + x];
                    for (var pass = 0; pass < 3; pass++) BoxPass(line, scratch, y1 - y0, radius);
                    for (var y = y0; y < y1; y++) plane[y * size + x] = line[y - y0];
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(line);
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// A vertical box blur of a whole plane in place (zero outside), row by row with a running sum of rows so that
    /// memory is read in order.
    /// </summary>
    private static void VerticalBoxPass(Span<float> plane, Span<float> copy, int size, int radius)
    {
        plane.CopyTo(copy);
        var norm = 1f / (2 * radius + 1);
        var sumArray = ArrayPool<float>.Shared.Rent(size);
        try
        {
            var sum = sumArray.AsSpan(0, size);
            sum.Clear();
            for (var k = 0; k < Math.Min(radius, size); k++) AddRow(sum, copy.Slice(k * size, size), 1f);
            for (var y = 0; y < size; y++)
            {
                var add = y + radius;
                if (add < size) AddRow(sum, copy.Slice(add * size, size), 1f);
                var drop = y - radius - 1;
                if (drop >= 0) AddRow(sum, copy.Slice(drop * size, size), -1f);
                var target = plane.Slice(y * size, size);
                for (var x = 0; x < size; x++) target[x] = sum[x] * norm;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(sumArray);
        }
    }

    private static void AddRow(Span<float> sum, ReadOnlySpan<float> row, float sign)
    {
        for (var x = 0; x < sum.Length; x++) sum[x] += sign * row[x];
    }

    /// <summary>One box blur of <paramref name="line"/> in place (zero outside), by a running sum.</summary>
    private static void BoxPass(float[] line, float[] scratch, int length, int radius)
    {
        var norm = 1f / (2 * radius + 1);
        float sum = 0;
        for (var k = 0; k < Math.Min(radius, length); k++) sum += line[k];
        for (var i = 0; i < length; i++)
        {
            var add = i + radius;
            if (add < length) sum += line[add];
            var drop = i - radius - 1;
            if (drop >= 0) sum -= line[drop];
            scratch[i] = sum * norm;
        }
        Array.Copy(scratch, line, length);
    }

    private static float SmoothStep(float edge0, float edge1, float x)
    {
        var t = Math.Clamp((x - edge0) / (edge1 - edge0), 0f, 1f);
        return t * t * (3 - 2 * t);
    }

    /// <summary>Smooth value noise in [0, 1): hashed lattice values, bilinear with smoothstep weights.</summary>
    internal static float ValueNoise(float x, float y, uint seed)
    {
        var fx = MathF.Floor(x);
        var fy = MathF.Floor(y);
        var ix = (int)fx;
        var iy = (int)fy;
        var tx = x - fx;
        var ty = y - fy;
        tx = tx * tx * (3 - 2 * tx);
        ty = ty * ty * (3 - 2 * ty);
        var a = Lattice(ix, iy, seed);
        var b = Lattice(ix + 1, iy, seed);
        var c = Lattice(ix, iy + 1, seed);
        var d = Lattice(ix + 1, iy + 1, seed);
        return a + (b - a) * tx + (c - a) * ty + (a - b - c + d) * tx * ty;
    }

    private static float Lattice(int x, int y, uint seed)
    {
        var h = (uint)x * 0x8DA6B343u ^ (uint)y * 0xD8163841u ^ seed * 0xCB1AB31Fu;
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        h *= 0x297A2D39u;
        h ^= h >> 15;
        return (h >> 8) * (1f / 16777216f);
    }
}
