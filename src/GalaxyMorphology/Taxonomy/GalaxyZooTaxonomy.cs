using System.Collections.Frozen;
using System.Globalization;

namespace GalaxyMorphology.Taxonomy;

/// <summary>
/// The Galaxy Zoo 2 decision tree as the Kaggle "Galaxy Challenge" encodes it: 11 questions, 37 answers
/// (columns <c>Class1.1</c> ... <c>Class11.6</c>). Each answer's value is the fraction of all volunteers who
/// gave it, so the answers of a question sum to the value of the answer that leads to it (1 at the roots).
/// </summary>
public static class GalaxyZooTaxonomy
{
    /// <summary>Number of outputs: 37.</summary>
    public const int OutputCount = 37;

    /// <summary>Default tolerance for <see cref="Validate(ReadOnlySpan{float}, double)"/>: the Kaggle file itself is rounded to 6 decimals.</summary>
    public const double DefaultTolerance = 1e-3;

    /// <summary>Name of the identifier column in Kaggle files.</summary>
    public const string IdColumn = "GalaxyID";

    private static readonly (string Question, int? Parent, (string Text, string Short)[] Answers)[] Table =
    [
        ("Is the galaxy simply smooth and rounded, with no sign of a disk?", null,
            [("Smooth", "smooth"), ("Features or disk", "features or disk"), ("Star or artifact", "star or artifact")]),
        ("Could this be a disk viewed edge-on?", 1,
            [("Yes", "edge-on"), ("No", "not edge-on")]),
        ("Is there a sign of a bar feature through the centre of the galaxy?", 4,
            [("Yes", "bar"), ("No", "no bar")]),
        ("Is there any sign of a spiral arm pattern?", 4,
            [("Yes", "spiral"), ("No", "no spiral")]),
        ("How prominent is the central bulge, compared with the rest of the galaxy?", 4,
            [("No bulge", "no bulge"), ("Just noticeable", "small bulge"), ("Obvious", "obvious bulge"), ("Dominant", "dominant bulge")]),
        ("Is there anything odd?", null,
            [("Yes", "odd"), ("No", "nothing odd")]),
        ("How rounded is it?", 0,
            [("Completely round", "completely round"), ("In between", "in between"), ("Cigar-shaped", "cigar-shaped")]),
        ("Is the odd feature a ring, or is the galaxy disturbed or irregular?", 13,
            [("Ring", "ring"), ("Lens or arc", "lens or arc"), ("Disturbed", "disturbed"), ("Irregular", "irregular"),
             ("Other", "other oddity"), ("Merger", "merger"), ("Dust lane", "dust lane")]),
        ("Does the galaxy have a bulge at its centre? If so, what shape?", 3,
            [("Rounded", "rounded bulge"), ("Boxy", "boxy bulge"), ("No bulge", "no bulge")]),
        ("How tightly wound do the spiral arms appear?", 7,
            [("Tight", "tight"), ("Medium", "medium"), ("Loose", "loose")]),
        ("How many spiral arms are there?", 7,
            [("1", "1 arm"), ("2", "2 arms"), ("3", "3 arms"), ("4", "4 arms"), ("More than four", "more than four arms"), ("Can't tell", "arms can't be counted")]),
    ];

    /// <summary>The 11 questions, Q1 first.</summary>
    public static IReadOnlyList<GalaxyZooQuestion> Questions { get; }

    /// <summary>The 37 answers in Kaggle column order.</summary>
    public static IReadOnlyList<GalaxyZooAnswer> Answers { get; }

    /// <summary>The 37 Kaggle column names in canonical order.</summary>
    public static IReadOnlyList<string> Columns { get; }

    /// <summary>Question numbers in the order <see cref="Normalize(ReadOnlySpan{float}, Span{float})"/> walks them (every parent before its children).</summary>
    public static IReadOnlyList<int> NormalizationOrder { get; } = [1, 6, 2, 3, 4, 5, 7, 8, 9, 10, 11];

    private static readonly FrozenDictionary<string, int> IndexByColumn;

    static GalaxyZooTaxonomy()
    {
        var questions = new List<GalaxyZooQuestion>();
        var answers = new List<GalaxyZooAnswer>();
        for (var q = 0; q < Table.Length; q++)
        {
            var (text, parent, answerTable) = Table[q];
            questions.Add(new GalaxyZooQuestion(q + 1, text, answers.Count, answerTable.Length, parent));
            for (var a = 0; a < answerTable.Length; a++)
            {
                var column = string.Create(CultureInfo.InvariantCulture, $"Class{q + 1}.{a + 1}");
                answers.Add(new GalaxyZooAnswer(answers.Count, column, q + 1, answerTable[a].Text, answerTable[a].Short));
            }
        }
        Questions = questions;
        Answers = answers.ToArray();
        Columns = answers.Select(a => a.Column).ToArray();
        IndexByColumn = answers.ToFrozenDictionary(a => a.Column, a => a.Index, StringComparer.Ordinal);
    }

    internal static IReadOnlyList<GalaxyZooAnswer> AnswersOf(GalaxyZooQuestion question) =>
        new ArraySegment<GalaxyZooAnswer>((GalaxyZooAnswer[])Answers, question.FirstIndex, question.AnswerCount);

    /// <summary>The index (0..36) of a Kaggle column such as <c>Class4.1</c>.</summary>
    /// <exception cref="ArgumentException">The name is not one of the 37 columns.</exception>
    public static int IndexOf(string column) =>
        TryGetIndex(column, out var index)
            ? index
            : throw new ArgumentException($"'{column}' is not a Galaxy Zoo column; expected one of Class1.1 ... Class11.6.", nameof(column));

    /// <summary>Looks up a Kaggle column name; returns false when it is not one of the 37.</summary>
    public static bool TryGetIndex(string column, out int index) => IndexByColumn.TryGetValue(column, out index);

    /// <summary>The answer at <paramref name="index"/> (0..36).</summary>
    public static GalaxyZooAnswer Answer(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, OutputCount);
        return Answers[index];
    }

    /// <summary>The answer named by a Kaggle column.</summary>
    public static GalaxyZooAnswer Answer(string column) => Answers[IndexOf(column)];

    /// <summary>The question with 1-based <paramref name="number"/> (1..11).</summary>
    public static GalaxyZooQuestion Question(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, Questions.Count);
        return Questions[number - 1];
    }

    /// <summary>The question that the output at <paramref name="index"/> answers.</summary>
    public static GalaxyZooQuestion QuestionOf(int index) => Answer(index).Question;

    /// <summary>
    /// Checks one row of 37 values: each finite and in [0, 1], and each question's answers summing to the value
    /// of its parent answer (1 at the roots) within <paramref name="tolerance"/>. Returns every violation found,
    /// naming the columns involved; an empty list means the row is consistent with the tree.
    /// </summary>
    public static IReadOnlyList<TaxonomyViolation> Validate(ReadOnlySpan<float> values, double tolerance = DefaultTolerance)
    {
        if (values.Length != OutputCount)
            return [new TaxonomyViolation([], $"expected {OutputCount} values (Class1.1 ... Class11.6), got {values.Length}")];

        var violations = new List<TaxonomyViolation>();
        var broken = new bool[OutputCount];
        for (var i = 0; i < OutputCount; i++)
        {
            var v = values[i];
            if (!float.IsFinite(v))
            {
                broken[i] = true;
                violations.Add(new TaxonomyViolation([Columns[i]], $"{Columns[i]} is {v.ToString(CultureInfo.InvariantCulture)}, not a finite number"));
            }
            else if (v < -tolerance || v > 1 + tolerance)
            {
                violations.Add(new TaxonomyViolation([Columns[i]], $"{Columns[i]} = {Format(v)} is outside [0, 1]"));
            }
        }

        foreach (var q in Questions)
        {
            double sum = 0;
            var skip = q.ParentIndex is int pi && broken[pi];
            for (var a = 0; a < q.AnswerCount; a++)
            {
                skip |= broken[q.FirstIndex + a];
                sum += values[q.FirstIndex + a];
            }
            if (skip) continue;
            var expected = q.ParentIndex is int p ? values[p] : 1.0;
            if (Math.Abs(sum - expected) > tolerance)
            {
                var columns = Enumerable.Range(q.FirstIndex, q.AnswerCount).Select(i => Columns[i]).ToList();
                var range = $"{columns[0]}..{columns[^1]}";
                var against = q.ParentIndex is int pp ? $"{Columns[pp]} = {Format(values[pp])}" : "1 (root question)";
                if (q.ParentIndex is int parentIndex) columns.Add(Columns[parentIndex]);
                violations.Add(new TaxonomyViolation(columns,
                    $"{q.Name} answers {range} sum to {Format(sum)} but should equal {against} (tolerance {Format(tolerance)})"));
            }
        }
        return violations;
    }

    /// <summary>Whether a row satisfies <see cref="Validate(ReadOnlySpan{float}, double)"/>.</summary>
    public static bool IsValid(ReadOnlySpan<float> values, double tolerance = DefaultTolerance) => Validate(values, tolerance).Count == 0;

    /// <summary>
    /// The Kaggle winner's output normalisation: per question, rectify (max(x, 0)) and divide by the question's sum,
    /// then multiply by the parent answer's already scaled value, walking the questions parents first. Where a question's
    /// rectified scores are all zero, its parent's value is spread evenly over its answers. The result always
    /// satisfies <see cref="Validate(ReadOnlySpan{float}, double)"/>.
    /// </summary>
    /// <param name="raw">37 raw scores.</param>
    /// <param name="output">37 values written; may be the same memory as <paramref name="raw"/>.</param>
    public static void Normalize(ReadOnlySpan<float> raw, Span<float> output)
    {
        if (raw.Length != OutputCount) throw new ArgumentException($"expected {OutputCount} raw values, got {raw.Length}", nameof(raw));
        if (output.Length != OutputCount) throw new ArgumentException($"expected room for {OutputCount} values, got {output.Length}", nameof(output));
        Span<float> rect = stackalloc float[OutputCount];
        for (var i = 0; i < OutputCount; i++)
            rect[i] = raw[i] > 0 && float.IsFinite(raw[i]) ? raw[i] : raw[i] == float.PositiveInfinity ? float.MaxValue : 0f;

        foreach (var number in NormalizationOrder)
        {
            var q = Questions[number - 1];
            var scale = q.ParentIndex is int p ? output[p] : 1f;
            double sum = 0;
            for (var a = 0; a < q.AnswerCount; a++) sum += rect[q.FirstIndex + a];
            for (var a = 0; a < q.AnswerCount; a++)
            {
                var share = sum > 0 ? rect[q.FirstIndex + a] / sum : 1.0 / q.AnswerCount;
                output[q.FirstIndex + a] = (float)(share * scale);
            }
        }
    }

    /// <summary>Returns the normalised copy of 37 raw scores; see <see cref="Normalize(ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static float[] Normalize(ReadOnlySpan<float> raw)
    {
        var result = new float[OutputCount];
        Normalize(raw, result);
        return result;
    }

    private static string Format(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
