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

    public IReadOnlyList<(string Name, string Path)> Written { get; private set; } = [];

    public override void OnTrainBegin(TrainingContext context)
    {
        foreach (var _ in decays) emas.Add(context.SnapshotWeights());
    }

    public override void OnBatchEnd(TrainingContext context, int epoch, int batch, double loss)
    {
        using var noGrad = no_grad();
        var state = context.Model.state_dict();
        for (var k = 0; k < decays.Count; k++)
        {
            var d = decays[k];
            foreach (var (name, w) in state)
            {
                var e = emas[k][name];
                if (e.is_floating_point()) e.mul_(d).add_(w, alpha: 1 - d);
                else e.copy_(w);
            }
        }
    }

    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (context.RunFraction < uniformFrom) return;
        using var noGrad = no_grad();
        if (uniform is null)
        {
            uniform = context.SnapshotWeights();
            uniformCount = 1;
            return;
        }
        uniformCount++;
        foreach (var (name, w) in context.Model.state_dict())
        {
            var u = uniform[name];
            if (u.is_floating_point()) u.add_((w - u) / uniformCount);
            else u.copy_(w);
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
