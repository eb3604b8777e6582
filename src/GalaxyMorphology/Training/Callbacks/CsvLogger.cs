using System.Globalization;
using System.Text;
using GalaxyMorphology.Persistence;

namespace GalaxyMorphology.Training.Callbacks;

/// <summary>
/// Writes one CSV row per epoch (epoch, loss, rmse, val_loss, val_rmse, lr, seconds, images_per_second), as Keras's
/// CSVLogger. The file is rewritten atomically after every epoch, so it is always complete. With <c>append</c>
/// (for resumed runs) rows of earlier epochs already in the file are kept.
/// </summary>
public sealed class CsvLogger(string path, bool append = false) : TrainingCallback
{
    /// <summary>The header line.</summary>
    public const string Header = "epoch,loss,rmse,val_loss,val_rmse,lr,seconds,images_per_second";

    private readonly List<string> rows = [];

    /// <summary>The CSV file.</summary>
    public string Path { get; } = string.IsNullOrWhiteSpace(path) ? throw new ArgumentException("a CSV path is required", nameof(path)) : path;

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        rows.Clear();
        if (!append || !File.Exists(Path)) return;
        foreach (var line in File.ReadLines(Path).Skip(1))
        {
            var comma = line.IndexOf(',');
            if (comma > 0 && int.TryParse(line[..comma], NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch) && epoch <= context.CompletedEpochs)
                rows.Add(line);
        }
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics m)
    {
        rows.Add(string.Join(',', m.Epoch.ToString(CultureInfo.InvariantCulture), F(m.Loss), F(m.Rmse), F(m.ValLoss), F(m.ValRmse), F(m.LearningRate), F(m.Seconds), F(m.ImagesPerSecond)));
        var text = new StringBuilder(Header).Append('\n');
        foreach (var row in rows) text.Append(row).Append('\n');
        AtomicFile.WriteAllText(Path, text.ToString());
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
