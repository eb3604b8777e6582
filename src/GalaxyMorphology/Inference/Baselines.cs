using GalaxyMorphology.Data;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Training;

namespace GalaxyMorphology.Inference;

/// <summary>Reference scores a model must beat: predicting the training set's mean vote fractions for every galaxy.</summary>
public static class Baselines
{
    /// <summary>The mean of the 37 targets over a labelled dataset (read through <see cref="IGalaxyDataset.TargetsOf"/>).</summary>
    /// <exception cref="ArgumentException">The dataset is empty or unlabelled.</exception>
    public static float[] MeanTargets(IGalaxyDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.HasTargets || dataset.Count == 0) throw new ArgumentException("the mean needs a non-empty labelled dataset", nameof(dataset));
        var sum = new double[GalaxyZooTaxonomy.OutputCount];
        for (var i = 0; i < dataset.Count; i++)
        {
            var t = dataset.TargetsOf(i) ?? throw new ArgumentException($"item {i} (GalaxyID {dataset.Ids[i]}) has no targets", nameof(dataset));
            for (var c = 0; c < sum.Length; c++) sum[c] += t[c];
        }
        return sum.Select(v => (float)(v / dataset.Count)).ToArray();
    }

    /// <summary>The report of predicting <paramref name="prediction"/> for every galaxy of <paramref name="evaluation"/>.</summary>
    public static EvaluationReport Constant(IGalaxyDataset evaluation, ReadOnlySpan<float> prediction)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        if (!evaluation.HasTargets) throw new ArgumentException("evaluation needs a labelled dataset", nameof(evaluation));
        if (prediction.Length != GalaxyZooTaxonomy.OutputCount)
            throw new ArgumentException($"expected {GalaxyZooTaxonomy.OutputCount} values, got {prediction.Length}", nameof(prediction));
        var accumulator = new RmseAccumulator();
        for (var i = 0; i < evaluation.Count; i++)
            accumulator.Add(prediction, evaluation.TargetsOf(i) ?? throw new ArgumentException($"item {i} has no targets", nameof(evaluation)));
        return new EvaluationReport(accumulator);
    }

    /// <summary>The mean predictor: the training set's mean targets scored on <paramref name="evaluation"/>.</summary>
    public static EvaluationReport MeanPredictor(IGalaxyDataset train, IGalaxyDataset evaluation) => Constant(evaluation, MeanTargets(train));
}
