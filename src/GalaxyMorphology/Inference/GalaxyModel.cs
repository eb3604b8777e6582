using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Models;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Platform;
using GalaxyMorphology.Taxonomy;
using SkiaSharp;
using static TorchSharp.torch;

namespace GalaxyMorphology.Inference;

/// <summary>
/// A trained model ready to predict: the network rebuilt from a checkpoint's <see cref="ModelSpec"/> and weights,
/// with the preprocessing it was trained with, so images go in as files, streams or bitmaps and Galaxy Zoo vote
/// fractions come out. Prediction is safe from several threads: preprocessing runs in parallel, the forward
/// passes take turns on the one network.
/// </summary>
public sealed class GalaxyModel : IDisposable
{
    private readonly Lock forwardGate = new();
    private readonly Device device;

    private GalaxyModel(GalaxyNet network, PreprocessingOptions preprocessing, Device device, Checkpoint? checkpoint)
    {
        Network = network;
        Preprocessing = preprocessing;
        Preprocessor = new ImagePreprocessor(preprocessing);
        Checkpoint = checkpoint;
        this.device = device;
        network.eval();
    }

    /// <summary>Loads a checkpoint written by training (any <see cref="Training.Callbacks.ModelCheckpoint"/> file).</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="device">cpu, cuda or cuda:N.</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt or incompatible; the message names it.</exception>
    public static GalaxyModel Load(string path, string device = "cpu")
    {
        var checkpoint = Checkpoint.Read(path);
        var target = TorchRuntime.Device(device);
        return new GalaxyModel(checkpoint.BuildModel(target), checkpoint.Preprocessing, target, checkpoint);
    }

    /// <summary>Wraps a network in memory (for example straight after training) with the preprocessing its inputs need.</summary>
    public static GalaxyModel FromNetwork(GalaxyNet network, PreprocessingOptions preprocessing)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(preprocessing);
        var parameter = network.parameters().FirstOrDefault();
        return new GalaxyModel(network, preprocessing, parameter?.device ?? CPU, null);
    }

    /// <summary>The network.</summary>
    public GalaxyNet Network { get; }

    /// <summary>The architecture.</summary>
    public ModelSpec Spec => Network.Spec;

    /// <summary>How images are turned into the network's input.</summary>
    public PreprocessingOptions Preprocessing { get; }

    /// <summary>The preprocessor built from <see cref="Preprocessing"/>.</summary>
    public ImagePreprocessor Preprocessor { get; }

    /// <summary>The checkpoint it was loaded from, if any.</summary>
    public Checkpoint? Checkpoint { get; }

    /// <summary>Predicts one image file.</summary>
    public GalaxyZooVotes Predict(string imagePath, bool tta = false) => PredictPixels(Preprocessor.Process(imagePath), tta);

    /// <summary>Predicts one encoded image (JPEG or PNG) from a stream.</summary>
    public GalaxyZooVotes Predict(Stream image, bool tta = false) => PredictPixels(Preprocessor.Process(image), tta);

    /// <summary>Predicts one decoded image.</summary>
    public GalaxyZooVotes Predict(SKBitmap image, bool tta = false) => PredictPixels(Preprocessor.Process(image), tta);

    /// <summary>Predicts already preprocessed CHW pixels (as a dataset hands them out).</summary>
    public GalaxyZooVotes PredictPixels(float[] chw, bool tta = false)
    {
        ArgumentNullException.ThrowIfNull(chw);
        var size = Spec.InputSize;
        if (chw.Length != 3 * size * size)
            throw new ArgumentException($"expected 3x{size}x{size} = {3 * size * size} pixel values, got {chw.Length}", nameof(chw));
        using var scope = NewDisposeScope();
        var input = tensor(chw, [1, 3, size, size]).to(device);
        float[] values;
        lock (forwardGate)
        {
            using var noGrad = no_grad();
            values = Evaluator.Forward(Network, input, tta).cpu().data<float>().ToArray();
        }
        return new GalaxyZooVotes(values);
    }

    /// <summary>Predicts every galaxy of a dataset in its order, in batches, with progress.</summary>
    public IReadOnlyList<GalaxyPrediction> Predict(IGalaxyDataset dataset, bool tta = false, int batchSize = 64,
        IProgress<PredictionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        lock (forwardGate)
            return Evaluator.Predict(Network, device, dataset, batchSize, Environment.ProcessorCount, tta, cancellationToken, progress);
    }

    /// <summary>Overall, per-question and per-column RMSE on a labelled dataset.</summary>
    public EvaluationReport Evaluate(IGalaxyDataset dataset, bool tta = false, int batchSize = 64,
        IProgress<PredictionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        lock (forwardGate)
            return Evaluator.Evaluate(Network, device, dataset, batchSize, Environment.ProcessorCount, tta, cancellationToken, progress);
    }

    /// <summary>Releases the network.</summary>
    public void Dispose() => Network.Dispose();
}
