using GalaxyMorphology.Models;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Tests.Support;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Taxonomy;

[Collection(SerialCollection.Name)]
public sealed class TreeProjectionTests
{
    private const int Cases = 2000;

    private static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++) s += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
        return Math.Sqrt(s);
    }

    private static float[] RandomConsistent(Random rng)
    {
        var raw = new float[GalaxyZooTaxonomy.OutputCount];
        for (var i = 0; i < raw.Length; i++) raw[i] = (float)Math.Pow(rng.NextDouble(), 3);
        return GalaxyZooTaxonomy.Normalize(raw);
    }

    [Fact]
    public void A_tree_consistent_vector_is_left_as_it_is()
    {
        var rng = new Random(11);
        for (var n = 0; n < Cases; n++)
        {
            var y = RandomConsistent(rng);
            var projected = TreeProjection.Project(y);
            for (var i = 0; i < y.Length; i++) projected[i].Should().BeApproximately(y[i], 2e-5f, $"case {n}, output {i}");
        }
    }

    [Fact]
    public void Projecting_never_moves_a_prediction_away_from_any_true_answer_and_usually_moves_it_closer()
    {
        var rng = new Random(20261201);
        var closer = 0;
        for (var n = 0; n < Cases; n++)
        {
            var truth = RandomConsistent(rng);
            var prediction = new float[truth.Length];
            var noise = rng.NextDouble() * 0.3;
            for (var i = 0; i < truth.Length; i++) prediction[i] = (float)Math.Clamp(truth[i] + (rng.NextDouble() * 2 - 1) * noise, 0, 1);
            var before = Distance(prediction, truth);
            var after = Distance(TreeProjection.Project(prediction), truth);
            after.Should().BeLessThanOrEqualTo(before + 1e-5, $"case {n}");
            if (after < before - 1e-4) closer++;
        }
        closer.Should().BeGreaterThan(Cases * 9 / 10, "noisy predictions break the sum rules, and the projection repairs most of that");
    }

    [Fact]
    public void Without_clipping_the_result_obeys_every_sum_rule()
    {
        var rng = new Random(5);
        for (var n = 0; n < Cases; n++)
        {
            // a consistent vector kept away from 0 and 1, plus small noise: the affine projection needs no clipping
            var raw = Enumerable.Range(0, GalaxyZooTaxonomy.OutputCount).Select(_ => 0.5f + (float)rng.NextDouble()).ToArray();
            var y = GalaxyZooTaxonomy.Normalize(raw);
            var noisy = y.Select(v => v + (float)((rng.NextDouble() * 2 - 1) * 0.002)).ToArray();
            GalaxyZooTaxonomy.IsValid(noisy, 1e-4).Should().BeFalse($"case {n} must start inconsistent");
            GalaxyZooTaxonomy.Validate(TreeProjection.Project(noisy), 1e-5).Should().BeEmpty($"case {n}");
        }
    }

    [Fact]
    public void The_tensor_projection_matches_the_span_projection_row_by_row()
    {
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, 37).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
        using var input = tensor(rows.SelectMany(r => r).ToArray(), [16, 37]);
        using var output = TreeProjection.Project(input);
        var values = output.data<float>().ToArray();
        for (var r = 0; r < rows.Length; r++)
        {
            var expected = TreeProjection.Project(rows[r]);
            for (var i = 0; i < 37; i++) values[r * 37 + i].Should().BeApproximately(expected[i], 1e-5f, $"row {r}, output {i}");
        }
    }

    [Fact]
    public void Wrong_shapes_are_refused_with_the_size_in_the_message()
    {
        var act = () => TreeProjection.Project(new float[36]);
        act.Should().Throw<ArgumentException>().WithMessage("*37*36*");
        using var bad = zeros(2, 5);
        var actTensor = () => TreeProjection.Project(bad);
        actTensor.Should().Throw<ArgumentException>().WithMessage("*(2, 5)*");
    }

    [Fact]
    public void A_model_with_the_projection_projects_in_evaluation_mode_only()
    {
        manual_seed(4);
        using var plain = ModelBuilder.FromSpec(TestModels.SmallSpec).WithOutputHead(OutputHead.Linear).Build();
        manual_seed(4);
        using var projected = ModelBuilder.FromSpec(TestModels.SmallSpec).WithOutputHead(OutputHead.Linear).WithTreeProjection().Build();
        projected.Spec.ProjectOntoTree.Should().BeTrue();
        ModelSpec.FromJson(projected.Spec.ToJson()).ProjectOntoTree.Should().BeTrue("the flag travels with checkpoints");

        manual_seed(9);
        using var images = randn(4, 3, TestModels.Size, TestModels.Size);
        using (no_grad())
        {
            plain.eval();
            projected.eval();
            using var raw = plain.forward(images);
            using var expected = TreeProjection.Project(raw);
            using var actual = projected.forward(images);
            actual.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
            actual.allclose(raw).Should().BeFalse("raw linear outputs break the sum rules");

            plain.train();
            projected.train();
            using var trainPlain = plain.forward(images);
            using var trainProjected = projected.forward(images);
            trainProjected.allclose(trainPlain).Should().BeTrue("training outputs are not projected");
        }
    }

    [Fact]
    public void The_projection_needs_the_37_outputs()
    {
        var act = () => ModelBuilder.FromSpec(TestModels.SmallSpec).WithOutputs(5).WithTreeProjection().Build();
        act.Should().Throw<ArgumentException>().WithMessage("*projection*37*");
    }
}
