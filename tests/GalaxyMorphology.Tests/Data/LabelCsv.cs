using System.Globalization;
using System.Text;
using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Tests.Data;

/// <summary>Builds Galaxy Zoo label files for tests: each row satisfies the tree and carries its ID in Class7.2.</summary>
internal static class LabelCsv
{
    public static string Header => $"GalaxyID,{string.Join(',', GalaxyZooTaxonomy.Columns)}";

    /// <summary>A consistent row; Class7.2 = <paramref name="t"/> (in 0..0.5) identifies it.</summary>
    public static float[] Row(float t)
    {
        float[] v =
        [
            0.5f, 0.5f, 0f,                 // Q1
            0.1f, 0.4f,                     // Q2 under 1.2
            0.2f, 0.2f,                     // Q3 under 2.2
            0.3f, 0.1f,                     // Q4 under 2.2
            0.1f, 0.1f, 0.1f, 0.1f,         // Q5 under 2.2
            0.2f, 0.8f,                     // Q6
            0.5f - t, t, 0f,                // Q7 under 1.1
            0.1f, 0.1f, 0f, 0f, 0f, 0f, 0f, // Q8 under 6.1
            0.05f, 0.05f, 0f,               // Q9 under 2.1
            0.1f, 0.1f, 0.1f,               // Q10 under 4.1
            0.1f, 0.1f, 0.1f, 0f, 0f, 0f,   // Q11 under 4.1
        ];
        return v;
    }

    public static float TagOf(long id) => (id % 50) / 100f;

    public static string Line(long id, float[]? values = null, string separator = ",") =>
        string.Join(separator, new[] { id.ToString(CultureInfo.InvariantCulture) }
            .Concat((values ?? Row(TagOf(id))).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

    public static string Text(IEnumerable<long> ids, string newline = "\n") =>
        new StringBuilder().Append(Header).Append(newline).AppendJoin(newline, ids.Select(id => Line(id))).Append(newline).ToString();
}
