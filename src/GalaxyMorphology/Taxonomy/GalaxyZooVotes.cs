using System.Globalization;
using System.Text;

namespace GalaxyMorphology.Taxonomy;

/// <summary>
/// The 37 Galaxy Zoo 2 vote fractions of one galaxy (truth or prediction), with access by Kaggle column,
/// by question, and by name for the common answers.
/// </summary>
public sealed class GalaxyZooVotes
{
    private readonly float[] values;

    /// <summary>Wraps a copy of 37 values in Kaggle column order.</summary>
    /// <exception cref="ArgumentException">Not exactly 37 values.</exception>
    public GalaxyZooVotes(ReadOnlySpan<float> values)
    {
        if (values.Length != GalaxyZooTaxonomy.OutputCount)
            throw new ArgumentException($"expected {GalaxyZooTaxonomy.OutputCount} values, got {values.Length}", nameof(values));
        this.values = values.ToArray();
    }

    /// <summary>The values in Kaggle column order (a read-only view).</summary>
    public ReadOnlySpan<float> Values => values;

    /// <summary>The value at output <paramref name="index"/> (0..36).</summary>
    public float this[int index] => values[index];

    /// <summary>The value of a Kaggle column, e.g. <c>votes["Class4.1"]</c>.</summary>
    public float this[string column] => values[GalaxyZooTaxonomy.IndexOf(column)];

    /// <summary>The answers of question <paramref name="number"/> (1..11) as (answer, value) pairs.</summary>
    public IReadOnlyList<(GalaxyZooAnswer Answer, float Value)> Question(int number) =>
        GalaxyZooTaxonomy.Question(number).Answers.Select(a => (a, values[a.Index])).ToArray();

    /// <summary>The answer of question <paramref name="number"/> with the largest value.</summary>
    public GalaxyZooAnswer TopAnswer(int number)
    {
        var q = GalaxyZooTaxonomy.Question(number);
        var best = q.FirstIndex;
        for (var i = q.FirstIndex + 1; i < q.FirstIndex + q.AnswerCount; i++)
            if (values[i] > values[best]) best = i;
        return GalaxyZooTaxonomy.Answers[best];
    }

    /// <summary>Class1.1: smooth.</summary>
    public float Smooth => values[0];
    /// <summary>Class1.2: features or disk.</summary>
    public float FeaturesOrDisk => values[1];
    /// <summary>Class1.3: star or artifact.</summary>
    public float StarOrArtifact => values[2];
    /// <summary>Class2.1: edge-on disk.</summary>
    public float EdgeOn => values[3];
    /// <summary>Class3.1: bar.</summary>
    public float Bar => values[5];
    /// <summary>Class4.1: spiral arms.</summary>
    public float Spiral => values[7];
    /// <summary>Class6.1: something odd.</summary>
    public float Odd => values[13];
    /// <summary>Class7.1: completely round (smooth galaxies).</summary>
    public float CompletelyRound => values[15];
    /// <summary>Class7.3: cigar-shaped (smooth galaxies).</summary>
    public float CigarShaped => values[17];
    /// <summary>Class8.6: merger.</summary>
    public float Merger => values[23];

    /// <summary>Whether the values satisfy the decision tree; see <see cref="GalaxyZooTaxonomy.Validate(ReadOnlySpan{float}, double)"/>.</summary>
    public IReadOnlyList<TaxonomyViolation> Validate(double tolerance = GalaxyZooTaxonomy.DefaultTolerance) =>
        GalaxyZooTaxonomy.Validate(values, tolerance);

    /// <summary>
    /// The most likely path down the tree as text, following the top answer at each question, e.g.
    /// "features or disk → not edge-on → spiral → 2 arms, tight".
    /// </summary>
    public string MostLikelyPath()
    {
        var steps = new List<string>();
        var q1 = TopAnswer(1);
        steps.Add(q1.ShortText);
        switch (q1.Index)
        {
            case 0:
                steps.Add(TopAnswer(7).ShortText);
                break;
            case 1:
                var q2 = TopAnswer(2);
                steps.Add(q2.ShortText);
                if (q2.Index == 3)
                {
                    steps.Add(TopAnswer(9).ShortText);
                }
                else
                {
                    if (TopAnswer(3).Index == 5) steps.Add("bar");
                    var q4 = TopAnswer(4);
                    steps.Add(q4.ShortText);
                    if (q4.Index == 7) steps.Add($"{TopAnswer(11).ShortText}, {TopAnswer(10).ShortText}");
                    steps.Add(TopAnswer(5).ShortText);
                }
                break;
        }
        if (q1.Index != 2 && TopAnswer(6).Index == 13) steps.Add(TopAnswer(8).ShortText);
        return string.Join(" → ", steps);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(MostLikelyPath()).Append(" (");
        sb.Append(string.Join(", ", GalaxyZooTaxonomy.Answers.Take(3).Select(a => $"{a.ShortText} {values[a.Index].ToString("0.00", CultureInfo.InvariantCulture)}")));
        return sb.Append(')').ToString();
    }
}
