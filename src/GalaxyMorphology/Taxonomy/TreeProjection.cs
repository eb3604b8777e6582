using static TorchSharp.torch;

namespace GalaxyMorphology.Taxonomy;

/// <summary>
/// Makes 37 predicted vote fractions obey the Galaxy Zoo decision tree by the closest possible change: the orthogonal
/// projection onto the 11 sum rules (Q1's answers sum to 1, Q2's to Class1.2, ... Q11's to Class4.1), then clipping to
/// [0, 1]. Every true answer vector satisfies the rules and lies in [0, 1], and projecting onto a convex set that holds a
/// point never moves a prediction away from that point, so the projected prediction is never farther from the truth
/// than the raw one: the squared error can only fall. On held-out real galaxies it removes about 1% of the RMSE of a
/// sigmoid head for free (docs/results.md).
/// </summary>
/// <remarks>
/// The projection is affine, <c>p' = p·W + c</c>, with <c>W = I − Aᵀ(AAᵀ)⁻¹A</c> and <c>c = bᵀ(AAᵀ)⁻¹A</c> for the
/// rules <c>A·p = b</c>. Unlike <see cref="GalaxyZooTaxonomy.Normalize(ReadOnlySpan{float}, Span{float})"/> (which rescales
/// answers in proportion and always gives a consistent vector), the result can miss a rule by a little where clipping
/// was needed; it is the right tool for improving a prediction, Normalize for turning scores into fractions.
/// </remarks>
public static class TreeProjection
{
    private static readonly double[] Weights; // W, row-major 37 × 37
    private static readonly double[] Offsets;
    private static readonly Lock Gate = new();
    private static readonly Dictionary<(TorchSharp.DeviceType, int, ScalarType), (Tensor W, Tensor C)> PerDevice = [];

    static TreeProjection()
    {
        var n = GalaxyZooTaxonomy.OutputCount;
        var questions = GalaxyZooTaxonomy.Questions;
        var m = questions.Count;
        // One rule per question: sum(answers) - parent = 0, or sum(answers) = 1 for a root question.
        var rules = new double[m * n];
        var sums = new double[m];
        for (var k = 0; k < m; k++)
        {
            var q = questions[k];
            for (var i = 0; i < q.AnswerCount; i++) rules[k * n + q.FirstIndex + i] = 1;
            if (q.ParentIndex is int p) rules[k * n + p] -= 1;
            else sums[k] = 1;
        }
        using var scope = NewDisposeScope();
        var a = tensor(rules, [m, n]);
        var solve = linalg.solve(a.matmul(a.t()), a); // (AAᵀ)⁻¹A, m × n
        var w = eye(n, dtype: ScalarType.Float64) - a.t().matmul(solve);
        var c = tensor(sums, [1, m]).matmul(solve);
        Weights = w.data<double>().ToArray();
        Offsets = c.data<double>().ToArray();
    }

    /// <summary>Projects 37 predicted fractions onto the decision tree's rules and clips them to [0, 1].</summary>
    /// <exception cref="ArgumentException">A span does not hold 37 values.</exception>
    public static void Project(ReadOnlySpan<float> values, Span<float> output)
    {
        var n = GalaxyZooTaxonomy.OutputCount;
        if (values.Length != n) throw new ArgumentException($"expected {n} values, got {values.Length}", nameof(values));
        if (output.Length != n) throw new ArgumentException($"expected room for {n} values, got {output.Length}", nameof(output));
        Span<double> result = stackalloc double[n];
        for (var j = 0; j < n; j++)
        {
            var s = Offsets[j];
            for (var i = 0; i < n; i++) s += values[i] * Weights[i * n + j];
            result[j] = s;
        }
        for (var j = 0; j < n; j++) output[j] = (float)Math.Clamp(result[j], 0, 1);
    }

    /// <summary>Returns the projected copy of 37 predicted fractions; see <see cref="Project(ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static float[] Project(ReadOnlySpan<float> values)
    {
        var result = new float[GalaxyZooTaxonomy.OutputCount];
        Project(values, result);
        return result;
    }

    /// <summary>The projection of a (N, 37) tensor of predictions, on its device and in its type (differentiable).</summary>
    /// <exception cref="ArgumentException">The tensor is not (N, 37).</exception>
    public static Tensor Project(Tensor predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.dim() != 2 || predictions.shape[1] != GalaxyZooTaxonomy.OutputCount)
            throw new ArgumentException($"expected a (N, {GalaxyZooTaxonomy.OutputCount}) tensor, got ({string.Join(", ", predictions.shape)})", nameof(predictions));
        var (w, c) = Constants(predictions.device, predictions.dtype);
        using var scope = NewDisposeScope();
        return predictions.matmul(w).add_(c).clamp_(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>W and c on a device, made once and kept outside every dispose scope.</summary>
    private static (Tensor W, Tensor C) Constants(Device device, ScalarType type)
    {
        var key = (device.type, device.index, type);
        lock (Gate)
        {
            if (PerDevice.TryGetValue(key, out var cached)) return cached;
            var n = GalaxyZooTaxonomy.OutputCount;
            using var w64 = tensor(Weights, [n, n]);
            using var c64 = tensor(Offsets, [1, n]);
            var constants = (w64.to(type, device, copy: true).DetachFromDisposeScope(), c64.to(type, device, copy: true).DetachFromDisposeScope());
            PerDevice[key] = constants;
            return constants;
        }
    }
}
