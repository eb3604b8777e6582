using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Synthetic;

/// <summary>
/// Turns true parameters into the 37 Galaxy Zoo 2 vote fractions by simulating a crowd: each of 25–60 volunteers
/// (with consistency weights, as GZ2 used) walks the decision tree, answering each question from probabilities that
/// mix the truth with realistic confusion: faint or small structure is missed (spirals called smooth, arms
/// uncountable), inclined disks are taken for edge-on ones, neighbouring answers (tight/medium, 2/3 arms,
/// obvious/dominant bulge) are mixed up, and a few volunteers click "odd" or "star" at anything. The fractions are
/// weighted counts over the volunteers who reached each question, so every row is tree-consistent by construction.
/// </summary>
internal static class VolunteerCrowd
{
    private const int Q1 = 0, Q2 = 3, Q3 = 5, Q4 = 7, Q5 = 9, Q6 = 13, Q7 = 15, Q8 = 18, Q9 = 25, Q10 = 28, Q11 = 31;

    public static float[] Vote(GalaxyParameters p, int seed, SyntheticDifficulty difficulty, long id)
    {
        var rng = new SyntheticRandom(seed, difficulty, id, SyntheticRandom.CrowdStream);
        var v = (double)p.Visibility;

        // Per-galaxy answer probabilities (before the per-volunteer draws), each jittered so that galaxies of the
        // same kind do not all get the same fractions.
        Span<double> q1 = stackalloc double[3];
        Span<double> q2 = stackalloc double[2];
        Span<double> q3 = stackalloc double[2];
        Span<double> q4 = stackalloc double[2];
        Span<double> q5 = stackalloc double[4];
        Span<double> q6 = stackalloc double[2];
        Span<double> q7 = stackalloc double[3];
        Span<double> q8 = stackalloc double[7];
        Span<double> q9 = stackalloc double[3];
        Span<double> q10 = stackalloc double[3];
        Span<double> q11 = stackalloc double[6];

        FirstQuestion(p, v, q1);
        Binary(q2, EdgeOnProbability(p, v));
        Binary(q3, p.HasBar ? 0.2 + 0.65 * v : 0.05 + 0.06 * Math.Min(p.Arms, 2) * v);
        Binary(q4, p.Arms > 0 ? 0.2 + 0.8 * Math.Pow(v, 0.7) * Math.Min(1.0, 0.55 + p.ArmStrength * 0.6) : p.Kind == GalaxyKind.Disk ? 0.15 : 0.08);
        Neighbours(q5, BulgeIndex(p), 0.45 + 0.55 * (1 - v));
        Binary(q6, OddProbability(p, v));
        Roundness(q7, p.AxisRatio);
        OddKind(q8, p.Odd, v);
        EdgeOnBulgeAnswers(q9, p);
        if (p.Arms > 0) Neighbours(q10, (int)p.Winding, 0.4 + 0.45 * (1 - v));
        else Fill(q10, [0.3, 0.45, 0.25]);
        ArmCount(q11, p, v);

        foreach (var q in new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })
        {
            var span = q switch
            {
                0 => q1, 1 => q2, 2 => q3, 3 => q4, 4 => q5, 5 => q6, 6 => q7, 7 => q8, 8 => q9, 9 => q10, _ => q11,
            };
            Jitter(ref rng, span, 0.35);
        }

        Span<double> sums = stackalloc double[GalaxyZooTaxonomy.OutputCount];
        sums.Clear();
        var volunteers = 25 + rng.Next(0, 36);
        double total = 0;
        for (var k = 0; k < volunteers; k++)
        {
            var w = rng.Chance(0.75) ? 1.0 : rng.Uniform(0.05, 1.0);
            total += w;
            var first = rng.Categorical(q1);
            sums[Q1 + first] += w;
            if (first == 0)
            {
                sums[Q7 + rng.Categorical(q7)] += w;
            }
            else if (first == 1)
            {
                var edgeOn = rng.Categorical(q2);
                sums[Q2 + edgeOn] += w;
                if (edgeOn == 0)
                {
                    sums[Q9 + rng.Categorical(q9)] += w;
                }
                else
                {
                    sums[Q3 + rng.Categorical(q3)] += w;
                    var spiral = rng.Categorical(q4);
                    sums[Q4 + spiral] += w;
                    if (spiral == 0)
                    {
                        sums[Q10 + rng.Categorical(q10)] += w;
                        sums[Q11 + rng.Categorical(q11)] += w;
                    }
                    sums[Q5 + rng.Categorical(q5)] += w;
                }
            }
            var odd = rng.Categorical(q6);
            sums[Q6 + odd] += w;
            if (odd == 0) sums[Q8 + rng.Categorical(q8)] += w;
        }

        var result = new float[GalaxyZooTaxonomy.OutputCount];
        for (var i = 0; i < result.Length; i++) result[i] = (float)(sums[i] / total);
        return result;
    }

    private static void FirstQuestion(GalaxyParameters p, double v, Span<double> q1)
    {
        double features, star = 0.02;
        switch (p.Kind)
        {
            case GalaxyKind.Elliptical:
                features = 0.05 + 0.25 * Math.Max(0, 0.5 - p.AxisRatio);
                break;
            case GalaxyKind.Disk:
                var strength = p.Arms > 0 ? 0.6 + 0.4 * p.ArmStrength : p.HasBar ? 0.75 : 0.45;
                if (p.Prominence == BulgeProminence.Dominant) strength *= 0.75;
                if (p.Odd == OddFeature.Irregular) strength = 0.9;
                features = 0.15 + 0.85 * Math.Pow(v, 0.6) * strength;
                break;
            case GalaxyKind.EdgeOn:
                features = 0.35 + 0.6 * Math.Sqrt(v);
                break;
            case GalaxyKind.Star:
                star = 0.45 + 0.3 * v;
                features = 0.1;
                break;
            default:
                star = 0.3 + 0.3 * v;
                features = 0.15;
                break;
        }
        if (p.Odd is OddFeature.Merger or OddFeature.Disturbed) features = Math.Min(0.95, features + 0.12);
        var smooth = Math.Max(0.02, 1 - features - star);
        Fill(q1, [smooth, features, star]);
    }

    private static double EdgeOnProbability(GalaxyParameters p, double v) => p.Kind switch
    {
        GalaxyKind.EdgeOn => 0.45 + 0.5 * Math.Sqrt(v),
        GalaxyKind.Disk => 0.03 + 0.55 * Math.Clamp((0.5 - p.AxisRatio) / 0.3, 0, 1),
        GalaxyKind.Elliptical => 0.05 + 0.5 * Math.Clamp((0.5 - p.AxisRatio) / 0.3, 0, 1),
        _ => 0.06,
    };

    private static double OddProbability(GalaxyParameters p, double v)
    {
        var strength = p.Odd switch
        {
            OddFeature.Merger => 0.95,
            OddFeature.Irregular => 0.85,
            OddFeature.Disturbed => 0.75,
            OddFeature.Ring => 0.75,
            OddFeature.LensOrArc => 0.6,
            OddFeature.DustLane => 0.6,
            OddFeature.Other => 0.7,
            _ => 0,
        };
        var baseRate = 0.13 + 0.02 * p.FieldStars.Count(s => s.Flux > 3);
        if (p.Kind is GalaxyKind.Star or GalaxyKind.Artifact) baseRate += 0.2;
        return Math.Min(0.97, baseRate + (1 - baseRate) * strength * (0.3 + 0.7 * v));
    }

    private static double BulgeIndex(GalaxyParameters p) => p.Kind switch
    {
        GalaxyKind.Disk when p.Odd == OddFeature.Irregular => 0,
        GalaxyKind.Disk => (int)p.Prominence,
        GalaxyKind.Elliptical => 2.6,
        GalaxyKind.EdgeOn => p.EdgeOnBulge == EdgeOnBulge.None ? 0.6 : 1.6,
        _ => 1.5,
    };

    private static void Roundness(Span<double> q7, float axisRatio)
    {
        var round = Sigmoid((axisRatio - 0.8) / 0.06);
        var cigar = Sigmoid((0.4 - axisRatio) / 0.06);
        Fill(q7, [0.04 + round, 0.06 + Math.Max(0, 1 - round - cigar), 0.03 + cigar]);
    }

    private static void OddKind(Span<double> q8, OddFeature odd, double v)
    {
        // Confusions between related answers: rings and lenses, disturbed/irregular/merger.
        ReadOnlySpan<double> none = [0.08, 0.05, 0.17, 0.12, 0.44, 0.13, 0.01];
        if (odd == OddFeature.None)
        {
            Fill(q8, none);
            return;
        }
        var truth = (int)odd;
        var confusion = 0.45 - 0.25 * v;
        for (var k = 0; k < 7; k++) q8[k] = none[k] * confusion;
        q8[truth] += 1 - confusion;
        switch (odd)
        {
            case OddFeature.Ring: q8[1] += 0.08; break;
            case OddFeature.LensOrArc: q8[0] += 0.1; break;
            case OddFeature.Disturbed: q8[3] += 0.12; q8[5] += 0.1; break;
            case OddFeature.Irregular: q8[2] += 0.15; break;
            case OddFeature.Merger: q8[2] += 0.15; break;
        }
    }

    private static void EdgeOnBulgeAnswers(Span<double> q9, GalaxyParameters p)
    {
        if (p.Kind != GalaxyKind.EdgeOn)
        {
            Fill(q9, p.BulgeFlux > 0 ? [0.6, 0.12, 0.28] : [0.25, 0.08, 0.67]);
            return;
        }
        Fill(q9, p.EdgeOnBulge switch
        {
            EdgeOnBulge.Rounded => [0.72, 0.13, 0.15],
            EdgeOnBulge.Boxy => [0.3, 0.58, 0.12],
            _ => [0.14, 0.04, 0.82],
        });
    }

    private static void ArmCount(Span<double> q11, GalaxyParameters p, double v)
    {
        if (p.Arms == 0)
        {
            Fill(q11, [0.08, 0.25, 0.06, 0.03, 0.03, 0.55]);
            return;
        }
        var t = Math.Min(p.Arms, 5) - 1;
        Span<double> five = stackalloc double[5];
        Neighbours(five, t, 0.3 + 0.35 * (1 - v));
        var cantTell = 0.12 + 0.7 * (1 - v) + (p.Arms >= 5 ? 0.15 : 0);
        for (var k = 0; k < 5; k++) q11[k] = five[k] * (1 - cantTell);
        q11[5] = cantTell;
    }

    /// <summary>Answer k weighted by a Gaussian in |k − truth| (neighbouring answers get confused).</summary>
    private static void Neighbours(Span<double> q, double truth, double spread)
    {
        for (var k = 0; k < q.Length; k++)
        {
            var d = (k - truth) / spread;
            q[k] = Math.Exp(-0.5 * d * d) + 0.01;
        }
    }

    private static void Binary(Span<double> q, double yes)
    {
        yes = Math.Clamp(yes, 0.01, 0.99);
        q[0] = yes;
        q[1] = 1 - yes;
    }

    private static void Fill(Span<double> q, ReadOnlySpan<double> values) => values.CopyTo(q);

    private static void Jitter(ref SyntheticRandom rng, Span<double> q, double spread)
    {
        for (var k = 0; k < q.Length; k++) q[k] = Math.Max(q[k], 0) * Math.Exp(rng.Gaussian() * spread);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
