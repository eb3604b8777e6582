using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GalaxyMorphology.Training.Callbacks;

/// <summary>
/// Saves the model after epochs, as Keras's ModelCheckpoint: <paramref name="pathPattern"/> may contain <c>{epoch}</c>
/// and metric names such as <c>{val_loss}</c>, optionally with a .NET format (<c>{epoch:D3}</c>, <c>{val_loss:0.0000}</c>).
/// With <c>saveBestOnly</c> a file is written only when the monitored metric improves. Every write is atomic.
/// </summary>
/// <remarks>
/// <c>bestFrom</c> (0..1, default 0 = Keras's behaviour) forgets the best value once, at the first epoch that ends past
/// that fraction of the run (<see cref="TrainingContext.RunFraction"/>): from then on only epochs of the annealed end of
/// a decaying schedule compete, so a lucky score of a half-trained model on a small validation set cannot win. The file
/// written before that point stays in place until a later epoch replaces it, so a run stopped early still has one.
/// </remarks>
public sealed partial class ModelCheckpoint(
    string pathPattern,
    string monitor = "val_loss",
    MonitorMode mode = MonitorMode.Min,
    bool saveBestOnly = false,
    bool saveWeightsOnly = false,
    double bestFrom = 0) : MonitorCallback(monitor, mode, 0)
{
    private bool rearmed;

    /// <summary>The fraction of the run after which the best value is forgotten once (0 = never).</summary>
    public double BestFrom { get; } = bestFrom is >= 0 and < 1 ? bestFrom : throw new ArgumentOutOfRangeException(nameof(bestFrom), bestFrom, "bestFrom must be in [0, 1)");

    /// <summary>The path pattern.</summary>
    public string PathPattern { get; } = string.IsNullOrWhiteSpace(pathPattern) ? throw new ArgumentException("a checkpoint path is required", nameof(pathPattern)) : pathPattern;

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; } = saveBestOnly;

    /// <summary>Whether optimizer and trainer state are left out (the file then cannot resume training).</summary>
    public bool SaveWeightsOnly { get; } = saveWeightsOnly;

    /// <summary>The last file written.</summary>
    public string? LastSaved { get; private set; }

    /// <summary>The file written for the best epoch, when saving best only.</summary>
    public string? BestPath { get; private set; }

    /// <inheritdoc />
    public override string StateKey => $"ModelCheckpoint:{PathPattern}";

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        var value = metrics.Get(Monitor);
        if (BestFrom > 0 && !rearmed && context.RunFraction >= BestFrom)
        {
            rearmed = true;
            if (SaveBestOnly && BestEpoch > 0)
                context.Logger.LogEpoch($"epoch {metrics.Epoch}: past {BestFrom:P0} of the run; the best {Monitor} so far ({Format(Best)}, epoch {BestEpoch}) is forgotten");
            Best = Mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        }
        var improved = Improves(value);
        if (SaveBestOnly && !improved)
        {
            context.Logger.LogEpoch($"epoch {metrics.Epoch}: {Monitor} {Format(value)} did not improve on {Format(Best)}; checkpoint not saved");
            return;
        }
        if (improved)
        {
            Best = value;
            BestEpoch = metrics.Epoch;
        }
        var path = Expand(PathPattern, metrics);
        context.SaveCheckpoint(path, SaveWeightsOnly);
        LastSaved = path;
        if (improved) BestPath = path;
        if (SaveBestOnly || improved) context.History.BestCheckpoint = BestPath;
        context.Logger.LogEpoch($"epoch {metrics.Epoch}: {Monitor} {Format(value)}; saved {path}");
    }

    /// <inheritdoc />
    public override JsonNode SaveState()
    {
        var state = base.SaveState().AsObject();
        state["bestPath"] = BestPath;
        state["rearmed"] = rearmed;
        return state;
    }

    /// <inheritdoc />
    public override void LoadState(JsonNode state)
    {
        base.LoadState(state);
        BestPath = (string?)state["bestPath"];
        rearmed = (bool?)state["rearmed"] ?? false;
    }

    /// <summary>Fills <c>{epoch}</c> and <c>{metric}</c> placeholders.</summary>
    public static string Expand(string pattern, EpochMetrics metrics) =>
        Placeholder().Replace(pattern, m =>
        {
            var name = m.Groups["name"].Value;
            var format = m.Groups["format"].Success ? m.Groups["format"].Value : null;
            if (name == "epoch") return metrics.Epoch.ToString(format ?? "D", CultureInfo.InvariantCulture);
            return metrics.Get(name).ToString(format ?? "0.0000", CultureInfo.InvariantCulture);
        });

    private static string Format(double v) => v.ToString("0.000000", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\{(?<name>[a-z_]+)(:(?<format>[^}]+))?\}")]
    private static partial Regex Placeholder();
}
