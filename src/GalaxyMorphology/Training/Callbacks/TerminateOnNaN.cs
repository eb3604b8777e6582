using System.Globalization;

namespace GalaxyMorphology.Training.Callbacks;

/// <summary>
/// Stops training at the first NaN or infinite batch loss, naming the epoch, the batch and the learning rate
/// (a diverging learning rate is the usual cause), as Keras's TerminateOnNaN. The offending batch's update is
/// never applied.
/// </summary>
public sealed class TerminateOnNaN : TrainingCallback
{
    /// <inheritdoc />
    public override void OnBatchEnd(TrainingContext context, int epoch, int batch, double loss)
    {
        if (double.IsFinite(loss)) return;
        context.StopReason = StopReason.NonFiniteLoss;
        context.Stop(string.Create(CultureInfo.InvariantCulture,
            $"loss became {loss} at epoch {epoch}, batch {batch} (learning rate {context.Options.LearningRate:G3}; the inputs may hold NaN/Inf or the learning rate may be too high and diverging)"));
    }
}
