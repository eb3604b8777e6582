using GalaxyMorphology.Taxonomy;
using static TorchSharp.torch;

namespace GalaxyMorphology.Training;

/// <summary>
/// Accumulates squared errors per output column over batches, giving the Kaggle metric (RMSE over all 37 outputs)
/// and its per-question and per-column breakdown.
/// </summary>
public sealed class RmseAccumulator
{
    private readonly double[] squared = new double[GalaxyZooTaxonomy.OutputCount];

    /// <summary>Rows seen.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a batch of (N, 37) predictions and targets.</summary>
    public void Add(Tensor predictions, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var perColumn = (predictions.detach().to_type(ScalarType.Float64) - targets.to_type(ScalarType.Float64)).square().sum(new long[] { 0 }).cpu();
        var values = perColumn.data<double>().ToArray();
        for (var i = 0; i < squared.Length; i++) squared[i] += values[i];
        Count += predictions.shape[0];
    }

    /// <summary>Adds one row of predictions and targets.</summary>
    public void Add(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
    {
        for (var i = 0; i < squared.Length; i++)
        {
            var d = (double)prediction[i] - target[i];
            squared[i] += d * d;
        }
        Count++;
    }

    /// <summary>Mean squared error over all outputs.</summary>
    public double Mse => Count == 0 ? double.NaN : squared.Sum() / (Count * (double)squared.Length);

    /// <summary>RMSE over all 37 outputs (the Kaggle metric).</summary>
    public double Rmse => Math.Sqrt(Mse);

    /// <summary>RMSE of one output column.</summary>
    public double ColumnRmse(int index) => Count == 0 ? double.NaN : Math.Sqrt(squared[index] / Count);

    /// <summary>RMSE over the answers of question <paramref name="number"/> (1..11).</summary>
    public double QuestionRmse(int number)
    {
        var q = GalaxyZooTaxonomy.Question(number);
        if (Count == 0) return double.NaN;
        double sum = 0;
        for (var i = q.FirstIndex; i < q.FirstIndex + q.AnswerCount; i++) sum += squared[i];
        return Math.Sqrt(sum / (Count * (double)q.AnswerCount));
    }
}
