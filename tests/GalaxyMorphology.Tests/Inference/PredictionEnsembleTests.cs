using GalaxyMorphology.Data;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Tests.Data;
using GalaxyMorphology.Tests.Support;

namespace GalaxyMorphology.Tests.Inference;

/// <summary>PredictionEnsemble: predictions averaged by GalaxyID, never by position, and scored against labels.</summary>
public sealed class PredictionEnsembleTests
{
    private static GalaxyPrediction Constant(long id, float value) =>
        new(id, new GalaxyZooVotes(Enumerable.Repeat(value, GalaxyZooTaxonomy.OutputCount).ToArray()));

    [Fact]
    public void Sets_are_averaged_galaxy_by_galaxy_whatever_their_order()
    {
        IReadOnlyList<GalaxyPrediction> a = [Constant(7, 0.2f), Constant(3, 0.4f)];
        IReadOnlyList<GalaxyPrediction> b = [Constant(3, 0.8f), Constant(7, 0.6f)];
        var mean = PredictionEnsemble.Mean([a, b]);
        mean.Select(p => p.Id).Should().Equal(7, 3);
        mean[0].Votes.Values.ToArray().Should().OnlyContain(v => Math.Abs(v - 0.4f) < 1e-6);
        mean[1].Votes.Values.ToArray().Should().OnlyContain(v => Math.Abs(v - 0.6f) < 1e-6);
        PredictionEnsemble.Mean([a]).Select(p => p.Votes[5]).Should().Equal(0.2f, 0.4f);
    }

    [Fact]
    public void Sets_that_do_not_hold_the_same_galaxies_are_refused_naming_set_and_galaxy()
    {
        IReadOnlyList<GalaxyPrediction> a = [Constant(7, 0.2f), Constant(3, 0.4f)];
        var act = () => PredictionEnsemble.Mean([a, [Constant(7, 0.1f)]]);
        act.Should().Throw<ArgumentException>().WithMessage("*set 2 lacks galaxy 3*");
        act = () => PredictionEnsemble.Mean([a, [Constant(7, 0.1f), Constant(3, 0.1f), Constant(9, 0.1f)]]);
        act.Should().Throw<ArgumentException>().WithMessage("*set 2 holds galaxy 9, which set 1 lacks*");
        act = () => PredictionEnsemble.Mean([a, [Constant(7, 0.1f), Constant(7, 0.1f)]]);
        act.Should().Throw<ArgumentException>().WithMessage("*set 2 holds galaxy 7 twice*");
        act = () => PredictionEnsemble.Mean([]);
        act.Should().Throw<ArgumentException>().WithMessage("*no prediction sets*");
    }

    [Fact]
    public void Evaluation_matches_labels_by_id_and_names_a_galaxy_without_one()
    {
        using var temp = new TestModels.TempFolder();
        var csv = temp.File("labels.csv");
        File.WriteAllText(csv, LabelCsv.Text([10, 20]));
        var labels = GalaxyLabels.Load(csv);
        // Galaxy 20 predicted exactly, galaxy 10 off by 0.1 everywhere: RMSE over both = sqrt(0.01 / 2).
        var row10 = LabelCsv.Row(LabelCsv.TagOf(10)).Select(v => v + 0.1f).ToArray();
        var report = PredictionEnsemble.Evaluate(
            [new GalaxyPrediction(20, new GalaxyZooVotes(LabelCsv.Row(LabelCsv.TagOf(20)))), new GalaxyPrediction(10, new GalaxyZooVotes(row10))], labels);
        report.Count.Should().Be(2);
        report.Rmse.Should().BeApproximately(Math.Sqrt(0.01 / 2), 1e-6);
        var act = () => PredictionEnsemble.Evaluate([Constant(99, 0.5f)], labels);
        act.Should().Throw<ArgumentException>().WithMessage($"*galaxy 99 has no label in '{csv}'*");
    }
}
