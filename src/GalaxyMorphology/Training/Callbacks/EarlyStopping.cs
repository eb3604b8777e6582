using System.Globalization;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace GalaxyMorphology.Training.Callbacks;

/// <summary>
/// Stops training when the monitored metric has not improved by more than <c>minDelta</c> for <c>patience</c>
/// epochs, as Keras's EarlyStopping; with <c>restoreBestWeights</c> the model ends with the best epoch's weights.
/// </summary>
public sealed class EarlyStopping(
    string monitor = "val_loss",
    int patience = 5,
    double minDelta = 0,
    MonitorMode mode = MonitorMode.Min,
    bool restoreBestWeights = false) : MonitorCallback(monitor, mode, minDelta), IDisposable
{
    private Dictionary<string, Tensor>? bestWeights;

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; } = patience >= 0 ? patience : throw new ArgumentException($"patience must be 0 or more, got {patience}", nameof(patience));

    /// <summary>Whether the best weights are restored at the end.</summary>
    public bool RestoreBestWeights { get; } = restoreBestWeights;

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>The epoch at which it stopped training (0 if it did not).</summary>
    public int StoppedEpoch { get; private set; }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        var value = metrics.Get(Monitor);
        if (Improves(value))
        {
            Best = value;
            BestEpoch = metrics.Epoch;
            Wait = 0;
            if (RestoreBestWeights)
            {
                DisposeBest();
                bestWeights = context.SnapshotWeights();
            }
            return;
        }
        Wait++;
        if (Wait > Patience)
        {
            StoppedEpoch = metrics.Epoch;
            context.Stop(string.Create(CultureInfo.InvariantCulture,
                $"early stopping at epoch {metrics.Epoch}: {Monitor} has not improved on {Best:0.000000} (epoch {BestEpoch}) for {Wait} epochs"));
        }
    }

    /// <inheritdoc />
    public override void OnTrainEnd(TrainingContext context)
    {
        if (RestoreBestWeights && bestWeights is not null)
        {
            context.RestoreWeights(bestWeights);
            context.Logger.LogEpoch($"restored the weights of epoch {BestEpoch}");
        }
        DisposeBest();
    }

    /// <inheritdoc />
    public override JsonNode SaveState()
    {
        var state = base.SaveState().AsObject();
        state["wait"] = Wait;
        return state;
    }

    /// <inheritdoc />
    public override void LoadState(JsonNode state)
    {
        base.LoadState(state);
        Wait = (int?)state["wait"] ?? 0;
    }

    private void DisposeBest()
    {
        if (bestWeights is null) return;
        foreach (var t in bestWeights.Values) t.Dispose();
        bestWeights = null;
    }

    /// <summary>Releases the saved weights.</summary>
    public void Dispose() => DisposeBest();
}
