using System.Text.Json.Nodes;

namespace GalaxyMorphology.Training.Callbacks;

/// <summary>Hooks into <see cref="Trainer.Fit"/>, as Keras callbacks do. Derive from <see cref="TrainingCallback"/> to override only what you need.</summary>
public interface ITrainingCallback
{
    /// <summary>Before the first epoch.</summary>
    void OnTrainBegin(TrainingContext context);

    /// <summary>Before epoch <paramref name="epoch"/> (1-based).</summary>
    void OnEpochBegin(TrainingContext context, int epoch);

    /// <summary>After each training batch, with its loss (possibly NaN or infinite).</summary>
    void OnBatchEnd(TrainingContext context, int epoch, int batch, double loss);

    /// <summary>After each epoch's validation, with its metrics.</summary>
    void OnEpochEnd(TrainingContext context, EpochMetrics metrics);

    /// <summary>When training ends for any reason (completed, stopped, cancelled, time budget).</summary>
    void OnTrainEnd(TrainingContext context);
}

/// <summary>A callback whose state must survive a resume (e.g. the best value so far); saved inside checkpoints.</summary>
public interface IStatefulCallback
{
    /// <summary>A key unique among the trainer's callbacks.</summary>
    string StateKey { get; }

    /// <summary>The state to save.</summary>
    JsonNode SaveState();

    /// <summary>Restores saved state.</summary>
    void LoadState(JsonNode state);
}

/// <summary>A callback with no-op hooks; override what you need.</summary>
public abstract class TrainingCallback : ITrainingCallback
{
    /// <inheritdoc />
    public virtual void OnTrainBegin(TrainingContext context) { }
    /// <inheritdoc />
    public virtual void OnEpochBegin(TrainingContext context, int epoch) { }
    /// <inheritdoc />
    public virtual void OnBatchEnd(TrainingContext context, int epoch, int batch, double loss) { }
    /// <inheritdoc />
    public virtual void OnEpochEnd(TrainingContext context, EpochMetrics metrics) { }
    /// <inheritdoc />
    public virtual void OnTrainEnd(TrainingContext context) { }
}

/// <summary>
/// The shared "monitor a metric, compare with a mode" base of <see cref="ModelCheckpoint"/> and <see cref="EarlyStopping"/>
/// (fastai's TrackerCallback): remembers the best value and says whether a new one improves on it.
/// </summary>
public abstract class MonitorCallback : TrainingCallback, IStatefulCallback
{
    /// <summary>Creates the tracker.</summary>
    protected MonitorCallback(string monitor, MonitorMode mode, double minDelta)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        _ = new EpochMetrics(0, 0, 0, 0, 0, 0, 0, 0).Get(monitor); // refuses unknown metric names now, not at the first epoch
        if (minDelta < 0) throw new ArgumentException($"minDelta must be 0 or more, got {minDelta}", nameof(minDelta));
        Monitor = monitor;
        Mode = mode;
        MinDelta = minDelta;
        Best = mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>The metric watched (loss, rmse, val_loss, val_rmse).</summary>
    public string Monitor { get; }

    /// <summary>Whether lower or higher is better.</summary>
    public MonitorMode Mode { get; }

    /// <summary>Smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The best value seen.</summary>
    public double Best { get; protected set; }

    /// <summary>Epoch of the best value (0 before any).</summary>
    public int BestEpoch { get; protected set; }

    /// <summary>Whether <paramref name="value"/> improves on <see cref="Best"/> by more than <see cref="MinDelta"/>.</summary>
    protected bool Improves(double value) =>
        double.IsFinite(value) && (Mode == MonitorMode.Min ? value < Best - MinDelta : value > Best + MinDelta);

    /// <inheritdoc />
    public virtual string StateKey => $"{GetType().Name}:{Monitor}";

    /// <inheritdoc />
    public virtual JsonNode SaveState() => new JsonObject { ["best"] = double.IsFinite(Best) ? Best : null, ["bestEpoch"] = BestEpoch };

    /// <inheritdoc />
    public virtual void LoadState(JsonNode state)
    {
        Best = state["best"] is JsonValue v ? v.GetValue<double>() : Mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        BestEpoch = (int?)state["bestEpoch"] ?? 0;
    }
}
