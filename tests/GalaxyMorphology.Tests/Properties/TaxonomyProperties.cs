using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Tests.Properties;

/// <summary>
/// Property tests with a seeded generator: thousands of raw score vectors, adversarial values included (NaN, ±∞,
/// negatives, zeros, huge and tiny numbers). A failure names the case number, which reproduces it.
/// </summary>
public sealed class TaxonomyProperties
{
    private const int Cases = 3000;

    internal static float[] RandomRaw(Random rng)
    {
        var raw = new float[GalaxyZooTaxonomy.OutputCount];
        var mode = rng.Next(6);
        for (var i = 0; i < raw.Length; i++)
        {
            raw[i] = mode switch
            {
                0 => (float)rng.NextDouble(),
                1 => (float)(rng.NextDouble() * 2 - 1),
                2 => rng.Next(4) == 0 ? 0f : (float)rng.NextDouble(),
                3 => (float)Math.Pow(10, rng.Next(-30, 30)) * (rng.Next(2) == 0 ? 1 : -1),
                4 => rng.Next(8) switch
                {
                    0 => float.NaN,
                    1 => float.PositiveInfinity,
                    2 => float.NegativeInfinity,
                    3 => float.MaxValue,
                    4 => float.Epsilon,
                    _ => (float)rng.NextDouble(),
                },
                _ => 0f,
            };
        }
        return raw;
    }

    [Fact]
    public void Normalize_always_gives_a_tree_consistent_vector_in_the_unit_interval()
    {
        var rng = new Random(20261201);
        for (var n = 0; n < Cases; n++)
        {
            var raw = RandomRaw(rng);
            var output = GalaxyZooTaxonomy.Normalize(raw);
            output.Should().OnlyContain(v => float.IsFinite(v) && v >= 0 && v <= 1.000001f, $"case {n}");
            GalaxyZooTaxonomy.Validate(output).Should().BeEmpty($"case {n}: [{string.Join(", ", raw)}]");
        }
    }

    [Fact]
    public void Normalize_is_idempotent_on_its_own_output_and_invariant_to_positive_scaling_of_a_question()
    {
        var rng = new Random(7);
        for (var n = 0; n < Cases; n++)
        {
            var raw = RandomRaw(rng);
            var once = GalaxyZooTaxonomy.Normalize(raw);
            var twice = GalaxyZooTaxonomy.Normalize(once);
            for (var i = 0; i < once.Length; i++) twice[i].Should().BeApproximately(once[i], 2e-5f, $"case {n}, column {i}");

            var q = GalaxyZooTaxonomy.Questions[rng.Next(11)];
            if (raw.Skip(q.FirstIndex).Take(q.AnswerCount).Any(v => !float.IsFinite(v) || Math.Abs(v) > 1e18f)) continue;
            var scaled = (float[])raw.Clone();
            for (var a = 0; a < q.AnswerCount; a++) scaled[q.FirstIndex + a] *= 4f;
            var again = GalaxyZooTaxonomy.Normalize(scaled);
            for (var i = 0; i < once.Length; i++) again[i].Should().BeApproximately(once[i], 2e-5f, $"case {n}, column {i}, scaling {q.Name}");
        }
    }

    [Fact]
    public void Validate_flags_exactly_the_questions_whose_sums_are_broken()
    {
        var rng = new Random(11);
        for (var n = 0; n < Cases; n++)
        {
            var valid = GalaxyZooTaxonomy.Normalize(RandomRaw(rng));
            var q = GalaxyZooTaxonomy.Questions[rng.Next(11)];
            var column = q.FirstIndex + rng.Next(q.AnswerCount);
            var broken = (float[])valid.Clone();
            broken[column] += 0.05f + (float)rng.NextDouble();
            var problems = GalaxyZooTaxonomy.Validate(broken);
            problems.Should().NotBeEmpty($"case {n}: {GalaxyZooTaxonomy.Columns[column]} was raised");
            problems.SelectMany(p => p.Columns).Should().Contain(GalaxyZooTaxonomy.Columns[column], $"case {n}");
        }
    }

    [Fact]
    public void Validate_refuses_non_finite_and_out_of_range_values_naming_the_column()
    {
        var rng = new Random(13);
        foreach (var bad in new[] { float.NaN, float.PositiveInfinity, -0.5f, 1.5f })
        {
            var values = GalaxyZooTaxonomy.Normalize(RandomRaw(rng));
            var column = rng.Next(GalaxyZooTaxonomy.OutputCount);
            values[column] = bad;
            GalaxyZooTaxonomy.Validate(values).SelectMany(p => p.Columns).Should().Contain(GalaxyZooTaxonomy.Columns[column], $"value {bad}");
        }
    }
}
