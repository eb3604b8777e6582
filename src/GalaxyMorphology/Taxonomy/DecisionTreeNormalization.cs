using TorchSharp;
using static TorchSharp.torch;

namespace GalaxyMorphology.Taxonomy;

/// <summary>
/// <see cref="GalaxyZooTaxonomy.Normalize(ReadOnlySpan{float}, Span{float})"/> as a differentiable TorchSharp module:
/// (N, 37) raw scores in, (N, 37) tree-consistent vote fractions out. Used as the <c>DecisionTree</c> output head.
/// </summary>
public sealed class DecisionTreeNormalization : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module (it has no parameters).</summary>
    public DecisionTreeNormalization() : base(nameof(DecisionTreeNormalization)) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 2 || input.shape[1] != GalaxyZooTaxonomy.OutputCount)
            throw new ArgumentException($"expected a (N, {GalaxyZooTaxonomy.OutputCount}) tensor, got ({string.Join(", ", input.shape)})", nameof(input));

        using var scope = NewDisposeScope();
        var parts = new Tensor[GalaxyZooTaxonomy.Questions.Count];
        var rectified = nn.functional.relu(input);
        foreach (var number in GalaxyZooTaxonomy.NormalizationOrder)
        {
            var q = GalaxyZooTaxonomy.Questions[number - 1];
            var scores = rectified.narrow(1, q.FirstIndex, q.AnswerCount);
            var sum = scores.sum(1, keepdim: true);
            // Where every score is zero the parent's value is spread evenly; clamp keeps the unused branch finite.
            var share = where(sum > 0, scores / sum.clamp_min(1e-12), full_like(scores, 1.0 / q.AnswerCount));
            if (q.ParentIndex is int p)
            {
                var parentQuestion = GalaxyZooTaxonomy.QuestionOf(p);
                var parent = parts[parentQuestion.Number - 1].narrow(1, p - parentQuestion.FirstIndex, 1);
                share = share * parent;
            }
            parts[number - 1] = share;
        }
        return cat(parts, 1).MoveToOuterDisposeScope();
    }
}
