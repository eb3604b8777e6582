using System.Globalization;

namespace GalaxyMorphology.Training;

/// <summary>The metrics of one epoch, named as Keras names them.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Loss">Mean training loss.</param>
/// <param name="Rmse">Training RMSE over the 37 outputs (with dropout and augmentation active, as Keras reports it).</param>
/// <param name="ValLoss">Validation loss, or NaN without a validation set.</param>
/// <param name="ValRmse">Validation RMSE, or NaN without a validation set.</param>
/// <param name="LearningRate">Learning rate at the end of the epoch.</param>
/// <param name="Seconds">Wall-clock seconds for the epoch, validation included.</param>
/// <param name="ImagesPerSecond">Training images per second.</param>
public sealed record EpochMetrics(int Epoch, double Loss, double Rmse, double ValLoss, double ValRmse, double LearningRate, double Seconds, double ImagesPerSecond)
{
    /// <summary>
    /// Seconds of the training part of the epoch spent waiting for the data loader to hand over the next batch (0 when
    /// the loader always had one ready). A large share of <see cref="Seconds"/> means the loader starves training: add
    /// workers or cache the images.
    /// </summary>
    public double DataWaitSeconds { get; init; }

    /// <summary>The value of a metric by its Keras name: loss, rmse, val_loss, val_rmse, lr.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public double Get(string name) => name switch
    {
        "loss" => Loss,
        "rmse" => Rmse,
        "val_loss" => ValLoss,
        "val_rmse" => ValRmse,
        "lr" => LearningRate,
        _ => throw new ArgumentException($"unknown metric '{name}': use loss, rmse, val_loss, val_rmse or lr", nameof(name)),
    };

    /// <summary>The metrics as a name → value map.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>
    {
        ["loss"] = Loss, ["rmse"] = Rmse, ["val_loss"] = ValLoss, ["val_rmse"] = ValRmse, ["lr"] = LearningRate,
        ["seconds"] = Seconds, ["images_per_second"] = ImagesPerSecond,
    };

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch}: loss {Loss:0.00000} rmse {Rmse:0.0000} val_loss {ValLoss:0.00000} val_rmse {ValRmse:0.0000} lr {LearningRate:0.###e+0} {Seconds:0.0}s {ImagesPerSecond:0.0} img/s");
}

/// <summary>Why training ended.</summary>
public enum StopReason
{
    /// <summary>All epochs ran.</summary>
    Completed,
    /// <summary>The wall-clock budget was spent.</summary>
    TimeBudget,
    /// <summary>The cancellation token fired; training stopped after the current batch.</summary>
    Cancelled,
    /// <summary>A callback set <see cref="TrainingContext.StopTraining"/> (e.g. EarlyStopping).</summary>
    Callback,
    /// <summary>The loss became NaN or infinite (TerminateOnNaN).</summary>
    NonFiniteLoss,
}

/// <summary>What <see cref="Trainer.Fit"/> returns: one <see cref="EpochMetrics"/> per completed epoch and why it stopped.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochMetrics> epochs = [];

    /// <summary>The completed epochs, in order (after a resume, only those run by this call).</summary>
    public IReadOnlyList<EpochMetrics> Epochs => epochs;

    /// <summary>Why training ended.</summary>
    public StopReason StopReason { get; internal set; } = StopReason.Completed;

    /// <summary>A sentence on why training ended (names the epoch and batch for NaN losses).</summary>
    public string StopMessage { get; internal set; } = "all epochs completed";

    /// <summary>The best checkpoint written by a <see cref="Callbacks.ModelCheckpoint"/>, if any.</summary>
    public string? BestCheckpoint { get; internal set; }

    /// <summary>
    /// The epochs a run given only a time budget planned after timing its first two epochs (which it then threw away):
    /// training the same model with the same seed for this many epochs repeats the run bit for bit (while
    /// <see cref="Replanned"/> is false); after a re-plan, the last plan. Null when the epochs were given, or when timing
    /// would have taken more than a quarter of the budget and the schedule followed the clock instead.
    /// </summary>
    public int? PlannedEpochs { get; internal set; }

    /// <summary>
    /// True when the machine's speed changed so much during a planned run that it planned again (down to stay within
    /// its budget, or back up once a slowdown had passed); such a run cannot be repeated exactly.
    /// </summary>
    public bool Replanned { get; internal set; }

    /// <summary>Total wall-clock seconds of the call.</summary>
    public double Seconds { get; internal set; }

    internal void Add(EpochMetrics metrics) => epochs.Add(metrics);

    /// <summary>The epoch with the lowest (or, with <paramref name="mode"/> Max, highest) finite value of <paramref name="monitor"/>, or null.</summary>
    public EpochMetrics? Best(string monitor = "val_loss", MonitorMode mode = MonitorMode.Min)
    {
        var finite = epochs.Where(e => double.IsFinite(e.Get(monitor))).ToList();
        if (finite.Count == 0) return null;
        return mode == MonitorMode.Max ? finite.MaxBy(e => e.Get(monitor)) : finite.MinBy(e => e.Get(monitor));
    }
}

/// <summary>Whether a monitored metric improves by going down (loss, RMSE) or up.</summary>
public enum MonitorMode
{
    /// <summary>Lower is better.</summary>
    Min,
    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>Progress reported during <see cref="Trainer.Fit"/>.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TotalEpochs">
/// Epochs planned (may change once a time budget has been calibrated); 0 while unknown, as in the first batches of a run
/// with only a time budget whose epochs were too long to time and plan (its schedule follows the clock).
/// </param>
/// <param name="Batch">Batches done in this epoch's current phase.</param>
/// <param name="BatchCount">Batches in this epoch's current phase.</param>
/// <param name="Phase">
/// "timing" (a run with only a time budget timing its first epochs, whose training is then thrown away), "train",
/// "validate", or "done" (the epoch is over and <paramref name="LastEpoch"/> holds its metrics).
/// </param>
/// <param name="Loss">Running mean training loss of the epoch.</param>
/// <param name="ImagesPerSecond">Training throughput of the epoch so far.</param>
/// <param name="Elapsed">Time since Fit started.</param>
/// <param name="LastEpoch">Metrics of the last completed epoch, if any.</param>
public sealed record TrainingProgress(int Epoch, int TotalEpochs, int Batch, int BatchCount, string Phase, double Loss, double ImagesPerSecond, TimeSpan Elapsed, EpochMetrics? LastEpoch);
