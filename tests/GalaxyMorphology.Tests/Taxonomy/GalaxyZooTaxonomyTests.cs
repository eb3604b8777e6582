using System.Globalization;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Tests.Support;
using static TorchSharp.torch;

namespace GalaxyMorphology.Tests.Taxonomy;

public class GalaxyZooTaxonomyTests
{
    // Kaggle row for GalaxyID 100008 (first row of training_solutions_rev1.csv).
    private static readonly float[] Galaxy100008 =
    [
        0.383147f, 0.616853f, 0f, 0f, 0.616853f, 0.038452f, 0.578401f, 0.418398f, 0.198455f, 0f, 0.104752f, 0.512101f, 0f,
        0.054453f, 0.945547f, 0.201463f, 0.181684f, 0f, 0f, 0.027226f, 0f, 0.027226f, 0f, 0f, 0f, 0f, 0f, 0f,
        0.279952f, 0.138445f, 0f, 0f, 0.092886f, 0f, 0f, 0f, 0.325512f,
    ];

    [Fact]
    public void Has_37_columns_in_Kaggle_order_with_parents()
    {
        GalaxyZooTaxonomy.Columns.Should().HaveCount(37);
        GalaxyZooTaxonomy.Columns[0].Should().Be("Class1.1");
        GalaxyZooTaxonomy.Columns[36].Should().Be("Class11.6");
        GalaxyZooTaxonomy.Questions.Select(q => q.AnswerCount).Should().Equal(3, 2, 2, 2, 4, 2, 3, 7, 3, 3, 6);
        GalaxyZooTaxonomy.Questions.Select(q => q.ParentColumn).Should().Equal(
            null, "Class1.2", "Class2.2", "Class2.2", "Class2.2", null, "Class1.1", "Class6.1", "Class2.1", "Class4.1", "Class4.1");
    }

    [Fact]
    public void Lookups_go_both_ways()
    {
        for (var i = 0; i < 37; i++)
        {
            var answer = GalaxyZooTaxonomy.Answer(i);
            GalaxyZooTaxonomy.IndexOf(answer.Column).Should().Be(i);
            answer.Question.Contains(i).Should().BeTrue();
            GalaxyZooTaxonomy.Answer(answer.Column).Should().Be(answer);
        }
        GalaxyZooTaxonomy.Answer("Class11.5").Text.Should().Be("More than four");
        GalaxyZooTaxonomy.QuestionOf(GalaxyZooTaxonomy.IndexOf("Class8.7")).Number.Should().Be(8);
        var act = () => GalaxyZooTaxonomy.IndexOf("Class12.1");
        act.Should().Throw<ArgumentException>().WithMessage("*Class12.1*");
    }

    [Fact]
    public void Known_row_validates_and_reads_by_name()
    {
        GalaxyZooTaxonomy.Validate(Galaxy100008).Should().BeEmpty();
        var votes = new GalaxyZooVotes(Galaxy100008);
        votes["Class1.1"].Should().Be(0.383147f);
        votes.FeaturesOrDisk.Should().Be(0.616853f);
        votes.Spiral.Should().Be(0.418398f);
        votes.Question(10).Select(x => x.Answer.Column).Should().Equal("Class10.1", "Class10.2", "Class10.3");
        votes.TopAnswer(11).Column.Should().Be("Class11.6");
        votes.MostLikelyPath().Should().Be("features or disk → not edge-on → spiral → arms can't be counted, tight → obvious bulge");
    }

    [Fact]
    public void Path_follows_smooth_and_odd_branches()
    {
        var raw = new float[37];
        raw[0] = 1; raw[16] = 1; raw[13] = 1; raw[23] = 1; // smooth, in between, odd, merger
        var votes = new GalaxyZooVotes(GalaxyZooTaxonomy.Normalize(raw));
        votes.MostLikelyPath().Should().Be("smooth → in between → merger");
    }

    [SkippableFact]
    public void Real_rows_at_the_top_of_the_Kaggle_file_validate()
    {
        RealData.SkipIfAbsent();
        var lines = File.ReadLines(RealData.LabelsCsv).Skip(1).Take(5).ToList();
        lines.Should().HaveCount(5);
        foreach (var line in lines)
        {
            var values = line.Split(',').Skip(1).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            GalaxyZooTaxonomy.Validate(values).Should().BeEmpty(line);
        }
    }

    [Theory]
    [InlineData(10, "Class5.1", "Class5.4", "Class2.2")] // Class5.2 raised: Q5 no longer sums to Class2.2
    [InlineData(0, "Class1.1", "Class1.3", null)]          // root question no longer sums to 1
    public void Perturbed_rows_fail_naming_the_columns(int index, string first, string last, string? parent)
    {
        var values = (float[])Galaxy100008.Clone();
        values[index] += 0.2f;
        var violations = GalaxyZooTaxonomy.Validate(values);
        violations.Should().ContainSingle(v => v.Columns.Contains(first) && v.Columns.Contains(last));
        if (parent is not null) violations.Should().Contain(v => v.Columns.Contains(parent) && v.Message.Contains(parent));
    }

    [Fact]
    public void Out_of_range_and_non_finite_values_are_reported()
    {
        var values = (float[])Galaxy100008.Clone();
        values[20] = float.NaN;
        values[30] = 1.5f;
        var violations = GalaxyZooTaxonomy.Validate(values);
        violations.Should().Contain(v => v.Columns.SequenceEqual(new[] { "Class8.3" }) && v.Message.Contains("NaN"));
        violations.Should().Contain(v => v.Columns.SequenceEqual(new[] { "Class10.3" }) && v.Message.Contains("outside [0, 1]"));
        GalaxyZooTaxonomy.Validate(new float[36]).Should().ContainSingle().Which.Message.Should().Contain("expected 37");
    }

    [Fact]
    public void Random_raw_vectors_normalise_into_valid_rows()
    {
        var rng = new Random(1234);
        for (var n = 0; n < 2000; n++)
        {
            var raw = Enumerable.Range(0, 37).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            if (n % 10 == 0) Array.Clear(raw, 7, 2); // an all-zero question (Q4): parent spread evenly
            var normalised = GalaxyZooTaxonomy.Normalize(raw);
            GalaxyZooTaxonomy.Validate(normalised, 1e-5).Should().BeEmpty();
        }
    }

    [Fact]
    public void All_zero_question_spreads_the_parent_evenly()
    {
        var raw = new float[37];
        raw[1] = 1; // features or disk = 1, everything below scores zero
        var normalised = GalaxyZooTaxonomy.Normalize(raw);
        normalised[1].Should().Be(1f);
        normalised[3].Should().BeApproximately(0.5f, 1e-6f);  // Q2 spreads 1 over 2
        normalised[9].Should().BeApproximately(0.125f, 1e-6f); // Q5 spreads Class2.2 = 0.5 over 4
        normalised[13].Should().BeApproximately(0.5f, 1e-6f);  // Q6 root
    }

    [Fact]
    public void Module_matches_the_span_version_validates_and_passes_gradients()
    {
        using var scope = NewDisposeScope();
        using var module = new DecisionTreeNormalization();
        var raw = randn(64, 37, generator: new TorchSharp.torch.Generator(7));
        raw[0, TensorIndex.Slice(7, 9)] = zeros(2);
        var input = raw.clone().requires_grad_(true);
        var output = module.forward(input);
        output.shape.Should().Equal(64, 37);
        var values = output.detach().data<float>().ToArray();
        var rawValues = raw.data<float>().ToArray();
        for (var r = 0; r < 64; r++)
        {
            var row = values.AsSpan(r * 37, 37);
            GalaxyZooTaxonomy.Validate(row, 1e-5).Should().BeEmpty();
            var expected = GalaxyZooTaxonomy.Normalize(rawValues.AsSpan(r * 37, 37));
            row.ToArray().Should().BeEquivalentTo(expected, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
        }
        (output * randn(64, 37)).sum().backward();
        var grad = input.grad!;
        grad.isfinite().all().item<bool>().Should().BeTrue();
        grad.abs().sum().item<float>().Should().BeGreaterThan(0);
    }
}
