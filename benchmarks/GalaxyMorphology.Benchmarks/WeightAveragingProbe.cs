using GalaxyMorphology.Training;
using GalaxyMorphology.Training.Callbacks;
using TorchSharp;
using static TorchSharp.torch;

namespace GalaxyMorphology.Benchmarks;

/// <summary>
/// Experiment probe: keeps exponential moving averages of the weights (one per decay) and a uniform average of the
/// end-of-epoch weights from a fraction of the run on, and writes each as a weights-only checkpoint when training
/// ends, so one run compares them with its own last weights.
/// </summary>
internal sealed class WeightAveragingProbe(string folder, IReadOnlyList<double> decays, double uniformFrom) : TrainingCallback
{
    private readonly List<Dictionary<string, Tensor>> emas = [];
    private Dictionary<string, Tensor>? uniform;
    private int uniformCount;
    private IReadOnlyList<(string Name, Tensor Live)> live = [];

    public IReadOnlyList<(string Name, string Path)> Written { get; private set; } = [];

    public override void OnTrainBegin(TrainingContext context)
    {
        // The optimizer updates the weights in place, so the model's own tensors can be read after every step.
        live = context.Model.state_dict().Select(kv => (kv.Key, kv.Value)).ToList();
        foreach (var _ in decays) emas.Add(context.SnapshotWeights());
    }

    public override void OnBatchEnd(TrainingContext context, int epoch, int batch, double loss)
    {
        for (var k = 0; k < decays.Count; k++) Blend(emas[k], 1 - decays[k]);
    }

    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (context.RunFraction < uniformFrom) return;
        if (uniform is null)
        {
            uniform = context.SnapshotWeights();
            uniformCount = 1;
            return;
        }
        uniformCount++;
        Blend(uniform, 1.0 / uniformCount); // the running mean of the epochs' weights
    }

    /// <summary>average ← (1 − weight) · average + weight · live, in place; integer buffers (batch counts) are copied.</summary>
    private void Blend(Dictionary<string, Tensor> average, double weight)
    {
        using var noGrad = no_grad();
        foreach (var (name, w) in live)
        {
            var a = average[name];
            if (a.is_floating_point()) a.mul_(1 - weight).add_(w, alpha: weight);
            else a.copy_(w);
        }
    }

    public override void OnTrainEnd(TrainingContext context)
    {
        var written = new List<(string, string)>();
        var current = context.SnapshotWeights();
        void Save(string name, Dictionary<string, Tensor> state)
        {
            context.RestoreWeights(state);
            var path = Path.Combine(folder, name + ".ckpt");
            context.SaveCheckpoint(path, weightsOnly: true);
            written.Add((name, path));
        }
        for (var k = 0; k < decays.Count; k++) Save($"ema{decays[k]:0.#####}", emas[k]);
        if (uniform is not null) Save($"swa{uniformCount}", uniform);
        context.RestoreWeights(current);
        Written = written;
        foreach (var state in emas.Append(current).Concat(uniform is null ? [] : [uniform]))
            foreach (var tensor in state.Values) tensor.Dispose();
        emas.Clear();
        uniform = null;
    }
}
