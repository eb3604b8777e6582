namespace GalaxyMorphology.Taxonomy;

/// <summary>One question of the Galaxy Zoo 2 decision tree.</summary>
/// <param name="Number">1-based question number (Q1 ... Q11).</param>
/// <param name="Text">The question as volunteers saw it.</param>
/// <param name="FirstIndex">Index of the question's first answer among the 37 outputs.</param>
/// <param name="AnswerCount">Number of answers.</param>
/// <param name="ParentIndex">Index of the answer this question hangs off, or <c>null</c> for a root question (Q1, Q6).</param>
public sealed record GalaxyZooQuestion(int Number, string Text, int FirstIndex, int AnswerCount, int? ParentIndex)
{
    /// <summary>Short name, e.g. <c>Q7</c>.</summary>
    public string Name => "Q" + Number;

    /// <summary>The answers of this question, in column order.</summary>
    public IReadOnlyList<GalaxyZooAnswer> Answers => GalaxyZooTaxonomy.AnswersOf(this);

    /// <summary>The Kaggle column of the parent answer (e.g. <c>Class2.2</c>), or <c>null</c> for a root question.</summary>
    public string? ParentColumn => ParentIndex is int p ? GalaxyZooTaxonomy.Columns[p] : null;

    /// <summary>Whether <paramref name="index"/> is one of this question's answers.</summary>
    public bool Contains(int index) => index >= FirstIndex && index < FirstIndex + AnswerCount;
}

/// <summary>One of the 37 answers (Kaggle columns <c>Class1.1</c> ... <c>Class11.6</c>).</summary>
/// <param name="Index">0-based position among the 37 outputs (Kaggle column order).</param>
/// <param name="Column">Kaggle column name, e.g. <c>Class4.1</c>.</param>
/// <param name="QuestionNumber">The question this answer belongs to.</param>
/// <param name="Text">The answer's wording.</param>
/// <param name="ShortText">A few words used in readable paths down the tree.</param>
public sealed record GalaxyZooAnswer(int Index, string Column, int QuestionNumber, string Text, string ShortText)
{
    /// <summary>The question this answer belongs to.</summary>
    public GalaxyZooQuestion Question => GalaxyZooTaxonomy.Questions[QuestionNumber - 1];
}

/// <summary>A value that breaks the decision tree's rules, as found by <see cref="GalaxyZooTaxonomy.Validate(ReadOnlySpan{float}, double)"/>.</summary>
/// <param name="Columns">The Kaggle columns involved.</param>
/// <param name="Message">What is wrong, with the values.</param>
public sealed record TaxonomyViolation(IReadOnlyList<string> Columns, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
