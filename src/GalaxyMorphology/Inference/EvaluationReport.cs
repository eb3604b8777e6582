using System.Globalization;
using System.Text;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Training;
using Microsoft.Data.Analysis;

namespace GalaxyMorphology.Inference;

/// <summary>RMSE of a model on a labelled set: overall (the Kaggle metric), per question and per column.</summary>
public sealed class EvaluationReport
{
    internal EvaluationReport(RmseAccumulator accumulator)
    {
        Count = (int)accumulator.Count;
        Rmse = accumulator.Rmse;
        Questions = GalaxyZooTaxonomy.Questions.ToDictionary(q => q.Name, q => accumulator.QuestionRmse(q.Number));
        Columns = GalaxyZooTaxonomy.Answers.ToDictionary(a => a.Column, a => accumulator.ColumnRmse(a.Index));
    }

    /// <summary>Galaxies evaluated.</summary>
    public int Count { get; }

    /// <summary>RMSE over all 37 outputs.</summary>
    public double Rmse { get; }

    /// <summary>RMSE per question, keyed Q1 ... Q11.</summary>
    public IReadOnlyDictionary<string, double> Questions { get; }

    /// <summary>RMSE per Kaggle column, keyed Class1.1 ... Class11.6.</summary>
    public IReadOnlyDictionary<string, double> Columns { get; }

    /// <summary>The report as a DataFrame with columns <c>name</c>, <c>kind</c> (overall, question, column) and <c>rmse</c>.</summary>
    public DataFrame ToDataFrame()
    {
        var names = new List<string> { "overall" };
        var kinds = new List<string> { "overall" };
        var values = new List<double> { Rmse };
        foreach (var (k, v) in Questions) { names.Add(k); kinds.Add("question"); values.Add(v); }
        foreach (var (k, v) in Columns) { names.Add(k); kinds.Add("column"); values.Add(v); }
        return new DataFrame(new StringDataFrameColumn("name", names), new StringDataFrameColumn("kind", kinds), new DoubleDataFrameColumn("rmse", values));
    }

    /// <summary>A text table: overall RMSE, then each question with its wording.</summary>
    public string ToText(EvaluationReport? baseline = null, string baselineName = "baseline")
    {
        var sb = new StringBuilder();
        var header = baseline is null ? $"{"",-5} {"RMSE",8}  question" : $"{"",-5} {"RMSE",8} {baselineName,10}  question";
        sb.AppendLine(header);
        sb.AppendLine(Row("all", Rmse, baseline?.Rmse, $"all 37 outputs, {Count} galaxies"));
        foreach (var q in GalaxyZooTaxonomy.Questions)
            sb.AppendLine(Row(q.Name, Questions[q.Name], baseline?.Questions[q.Name], q.Text));
        return sb.ToString();

        static string Row(string name, double v, double? b, string text) => b is null
            ? string.Create(CultureInfo.InvariantCulture, $"{name,-5} {v,8:0.0000}  {text}")
            : string.Create(CultureInfo.InvariantCulture, $"{name,-5} {v,8:0.0000} {b.Value,10:0.0000}  {text}");
    }

    /// <inheritdoc />
    public override string ToString() => ToText();
}
