using GalaxyMorphology.Models;
using Microsoft.Extensions.Logging;

namespace GalaxyMorphology.Training;

/// <summary>What callbacks see of a running <see cref="Trainer.Fit"/>, and how they steer it.</summary>
public sealed class TrainingContext
{
    private readonly Trainer trainer;

    internal TrainingContext(Trainer trainer, TrainingHistory history)
    {
        this.trainer = trainer;
        History = history;
    }

    /// <summary>The model being trained.</summary>
    public GalaxyNet Model => trainer.Model;

    /// <summary>The trainer's options.</summary>
    public TrainerOptions Options => trainer.Options;

    /// <summary>The history so far.</summary>
    public TrainingHistory History { get; }

    /// <summary>
    /// Epochs planned in total: the given epochs, or for a run given only a time budget the epochs it planned after
    /// timing itself (or, if it follows the clock, an estimate); int.MaxValue while unknown.
    /// </summary>
    public int PlannedEpochs { get; internal set; }

    /// <summary>Completed epochs, counting those before a resume.</summary>
    public int CompletedEpochs { get; internal set; }

    /// <summary>
    /// How far through its plan the run is, 0..1, when epoch callbacks run: completed epochs over planned epochs
    /// (counting those before a resume), or the share of the time budget spent when the run follows the clock.
    /// </summary>
    public double RunFraction { get; internal set; }

    /// <summary>The logger.</summary>
    public ILogger Logger => trainer.Options.Logger;

    /// <summary>Set to stop training at the end of the current batch (Keras's <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>Why a callback stopped training; shown in <see cref="TrainingHistory.StopMessage"/>.</summary>
    public string? StopMessage { get; set; }

    internal StopReason? StopReason { get; set; }

    /// <summary>Stops training with a reason.</summary>
    public void Stop(string message)
    {
        StopTraining = true;
        StopMessage = message;
    }

    /// <summary>
    /// Writes a checkpoint of the current state atomically: weights, spec and preprocessing, plus (unless
    /// <paramref name="weightsOnly"/>) the optimizer, random and trainer state needed to resume.
    /// </summary>
    public void SaveCheckpoint(string path, bool weightsOnly = false) => trainer.SaveCheckpoint(path, weightsOnly, this);

    /// <summary>Sets the model's weights from <paramref name="state"/> (see <see cref="SnapshotWeights"/>).</summary>
    public void RestoreWeights(IReadOnlyDictionary<string, TorchSharp.torch.Tensor> state) => trainer.RestoreWeights(state);

    /// <summary>A detached copy of the model's weights and buffers (dispose the tensors when done).</summary>
    public Dictionary<string, TorchSharp.torch.Tensor> SnapshotWeights() => trainer.SnapshotWeights();
}
