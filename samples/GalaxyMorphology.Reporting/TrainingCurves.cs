using GalaxyMorphology.Persistence;
using GalaxyMorphology.Training;
using ScottPlot;

namespace GalaxyMorphology.Reporting;

/// <summary>Loss and RMSE curves of a training run, as PNG files (ScottPlot).</summary>
public static class TrainingCurves
{
    /// <summary>Writes <c>loss.png</c> and <c>rmse.png</c> into <paramref name="folder"/>; returns their paths.</summary>
    /// <param name="history">The epochs to plot.</param>
    /// <param name="folder">The report folder (created if missing).</param>
    /// <param name="baselineRmse">A horizontal reference line on the RMSE plot (the mean predictor), if given.</param>
    public static IReadOnlyList<string> Write(TrainingHistory history, string folder, double? baselineRmse = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        Directory.CreateDirectory(folder);
        var epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        var loss = Path.Combine(folder, "loss.png");
        var rmse = Path.Combine(folder, "rmse.png");
        Save(loss, "Loss (MSE)", "loss", epochs,
            ("training", history.Epochs.Select(e => e.Loss).ToArray()),
            ("validation", history.Epochs.Select(e => e.ValLoss).ToArray()));
        Save(rmse, "RMSE over the 37 outputs", "RMSE", epochs,
            ("training", history.Epochs.Select(e => e.Rmse).ToArray()),
            ("validation", history.Epochs.Select(e => e.ValRmse).ToArray()),
            baselineRmse is double b ? ("mean predictor", epochs.Select(_ => b).ToArray()) : default);
        return [loss, rmse];
    }

    private static void Save(string path, string title, string yLabel, double[] xs, params (string Name, double[] Ys)[] series)
    {
        var plot = new Plot();
        foreach (var (name, ys) in series)
        {
            if (name is null) continue;
            var finite = Enumerable.Range(0, xs.Length).Where(i => double.IsFinite(ys[i])).ToArray();
            if (finite.Length == 0) continue;
            var scatter = plot.Add.Scatter(finite.Select(i => xs[i]).ToArray(), finite.Select(i => ys[i]).ToArray());
            scatter.LegendText = name;
            if (name == "mean predictor")
            {
                scatter.LinePattern = LinePattern.Dashed;
                scatter.MarkerSize = 0;
            }
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        var bytes = plot.GetImageBytes(900, 540, ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}
