using GalaxyMorphology.Data;
using GalaxyMorphology.Models;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Training;
using static TorchSharp.torch;

namespace GalaxyMorphology.Inference;

/// <summary>Batch prediction and evaluation over a dataset, shared by <see cref="Trainer"/> and <see cref="GalaxyModel"/>.</summary>
internal static class Evaluator
{
    public static EvaluationReport Evaluate(nn.Module<Tensor, Tensor> model, Device device, IGalaxyDataset dataset, int batchSize, int workers, bool tta,
        CancellationToken cancellationToken, IProgress<PredictionProgress>? progress = null)
    {
        if (!dataset.HasTargets) throw new ArgumentException("evaluation needs a labelled dataset", nameof(dataset));
        var accumulator = new RmseAccumulator();
        Run(model, device, dataset, batchSize, workers, tta, cancellationToken, progress, (batch, predictions) => accumulator.Add(predictions, batch.Targets!.to(predictions.device)));
        return new EvaluationReport(accumulator);
    }

    public static List<GalaxyPrediction> Predict(nn.Module<Tensor, Tensor> model, Device device, IGalaxyDataset dataset, int batchSize, int workers, bool tta,
        CancellationToken cancellationToken, IProgress<PredictionProgress>? progress = null)
    {
        var results = new List<GalaxyPrediction>(dataset.Count);
        Run(model, device, dataset, batchSize, workers, tta, cancellationToken, progress, (batch, predictions) =>
        {
            var values = predictions.cpu().data<float>().ToArray();
            for (var i = 0; i < batch.Count; i++)
                results.Add(new GalaxyPrediction(batch.Ids[i], new GalaxyZooVotes(values.AsSpan(i * GalaxyZooTaxonomy.OutputCount, GalaxyZooTaxonomy.OutputCount))));
        });
        return results;
    }

    public static Tensor Forward(nn.Module<Tensor, Tensor> model, Tensor images, bool tta)
    {
        if (!tta) return model.forward(images);
        var (turns, mirrors) = model is GalaxyNet net ? TestTimeAugmentation.DistinctViews(net.Spec) : (4, 2);
        return TestTimeAugmentation.Predict(model.forward, images, turns, mirrors);
    }

    private static void Run(nn.Module<Tensor, Tensor> model, Device device, IGalaxyDataset dataset, int batchSize, int workers, bool tta,
        CancellationToken cancellationToken, IProgress<PredictionProgress>? progress, Action<GalaxyBatch, Tensor> consume)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var loader = new GalaxyDataLoader(dataset, new GalaxyDataLoaderOptions { BatchSize = batchSize, Shuffle = false, WorkerThreads = workers });
            using var noGrad = no_grad();
            var done = 0;
            foreach (var batch in loader.Epoch(0, cancellationToken))
            {
                using var scope = NewDisposeScope();
                using (batch)
                {
                    var predictions = Forward(model, batch.Images.to(device), tta);
                    consume(batch, predictions);
                    done += batch.Count;
                }
                progress?.Report(new PredictionProgress(done, dataset.Count));
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }
}
