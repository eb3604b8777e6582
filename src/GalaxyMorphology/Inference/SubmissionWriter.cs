using System.Globalization;
using System.Text;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Inference;

/// <summary>
/// Writes Kaggle's submission CSV: header <c>GalaxyID,Class1.1,...,Class11.6</c>, one row per galaxy in the order
/// given, invariant culture, LF line ends. The file is written atomically.
/// </summary>
public static class SubmissionWriter
{
    /// <summary>The exact Kaggle header line.</summary>
    public static string Header { get; } = GalaxyZooTaxonomy.IdColumn + "," + string.Join(',', GalaxyZooTaxonomy.Columns);

    /// <summary>Writes <paramref name="predictions"/> to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">A GalaxyID appears twice.</exception>
    public static void Write(string path, IEnumerable<GalaxyPrediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var seen = new HashSet<long>();
        var text = new StringBuilder(Header).Append('\n');
        foreach (var p in predictions)
        {
            if (!seen.Add(p.Id)) throw new ArgumentException($"GalaxyID {p.Id} appears twice in the predictions", nameof(predictions));
            text.Append(p.Id.ToString(CultureInfo.InvariantCulture));
            foreach (var v in p.Votes.Values) text.Append(',').Append(Math.Clamp(v, 0f, 1f).ToString("0.######", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
