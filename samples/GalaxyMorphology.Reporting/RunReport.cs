using GalaxyMorphology.Data;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Training;

namespace GalaxyMorphology.Reporting;

/// <summary>What <see cref="RunReport.Write"/> measured and wrote.</summary>
/// <param name="Evaluation">The model on the validation set.</param>
/// <param name="Baseline">The mean predictor on the validation set.</param>
/// <param name="Text">The RMSE table next to the baseline.</param>
/// <param name="Files">Every file written.</param>
public sealed record RunReportResult(EvaluationReport Evaluation, EvaluationReport Baseline, string Text, IReadOnlyList<string> Files);

/// <summary>The report folder of a training run: RMSE table versus the mean predictor, curves and a gallery.</summary>
public static class RunReport
{
    /// <summary>Evaluates <paramref name="model"/> on <paramref name="validation"/> and writes evaluation.txt, loss.png, rmse.png and gallery.png.</summary>
    public static RunReportResult Write(string folder, TrainingHistory history, GalaxyModel model, IGalaxyDataset train, IGalaxyDataset validation,
        bool tta, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(folder);
        var evaluation = model.Evaluate(validation, tta, cancellationToken: cancellationToken);
        var baseline = Baselines.MeanPredictor(train, validation);
        var text = $"validation: {validation.Count} galaxies{(tta ? $", {TestTimeAugmentation.Views}-view test-time augmentation" : "")}\n"
                   + evaluation.ToText(baseline, "mean predictor");
        var files = new List<string>();
        var evaluationPath = Path.Combine(folder, "evaluation.txt");
        AtomicFile.WriteAllText(evaluationPath, text);
        files.Add(evaluationPath);
        files.AddRange(TrainingCurves.Write(history, folder, baseline.Rmse));

        var count = Math.Min(16, validation.Count);
        var items = new List<GalleryItem>();
        var subset = new SubsetGalaxyDataset(validation, Enumerable.Range(0, count).ToArray());
        var predictions = model.Predict(subset, tta, cancellationToken: cancellationToken);
        for (var i = 0; i < count; i++)
        {
            if (validation.ImagePathOf(i) is not { } path) continue;
            var truth = validation.TargetsOf(i);
            items.Add(new GalleryItem(predictions[i].Id, path, predictions[i].Votes, truth is null ? null : new GalaxyZooVotes(truth)));
        }
        if (items.Count > 0)
        {
            var gallery = Path.Combine(folder, "gallery.png");
            PredictionGallery.Write(gallery, items);
            files.Add(gallery);
        }
        return new RunReportResult(evaluation, baseline, text, files);
    }
}
