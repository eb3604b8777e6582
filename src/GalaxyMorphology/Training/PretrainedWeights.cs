using System.Collections.Concurrent;
using GalaxyMorphology.Models;
using GalaxyMorphology.Persistence;

namespace GalaxyMorphology.Training;

/// <summary>
/// Weights that ship inside the package as starting points for training, as torchvision and Keras ship ImageNet weights.
/// <see cref="CpuNetSynthetic"/> is <see cref="TrainingRecipe.CpuNet"/> trained on our own synthetic galaxies (never on
/// Kaggle images); the <see cref="TrainingRecipe.Cpu"/> recipe starts from it (<see cref="TrainingRecipe.PretrainedWeights"/>).
/// <c>eng/pretrain-weights.sh</c> regenerates the file.
/// </summary>
public static class PretrainedWeights
{
    /// <summary>
    /// <see cref="TrainingRecipe.CpuNet"/> (64 px input, sigmoid head) after 16 epochs of the <c>cpu</c> recipe on 6,000
    /// synthetic galaxies (<c>galaxy synth --count 6000 --seed 11</c>, training seed 0). Fine-tuning from it beats a
    /// random start on real galaxies (docs/results.md). Pre-trained with the recipe's zoom of 1/1.25 .. 1.25 in float32,
    /// exactly as <c>eng/pretrain-weights.sh</c> makes them (fifteenth session).
    /// </summary>
    public const string CpuNetSynthetic = "cpunet-synthetic";

    /// <summary>The names of the weights in this package.</summary>
    public static IReadOnlyList<string> Names { get; } = [CpuNetSynthetic];

    private static readonly ConcurrentDictionary<string, Lazy<Checkpoint>> Loaded = new();

    /// <summary>
    /// The weights called <paramref name="name"/> (a weights-only <see cref="Checkpoint"/>), read from the package once
    /// per process; the checkpoint is immutable, so callers share it.
    /// </summary>
    /// <exception cref="ArgumentException">No weights of that name ship with the package.</exception>
    public static Checkpoint Load(string name)
    {
        EnsureKnown(name, nameof(name));
        return Loaded.GetOrAdd(name, n => new Lazy<Checkpoint>(() => Read(n))).Value;
    }

    /// <summary>
    /// How <paramref name="model"/> differs from the model the weights called <paramref name="name"/> were trained for,
    /// as "field: a ≠ b" lines (see <see cref="Checkpoint.SpecDifferences"/>); empty when they fit it. An ensemble fits
    /// when the weights fit at least one of its members (<see cref="LoadInto"/> puts them into each member they fit);
    /// otherwise the lines compare with its first member.
    /// </summary>
    /// <exception cref="ArgumentException">No weights of that name ship with the package.</exception>
    public static IReadOnlyList<string> SpecDifferences(string name, ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var weights = Load(name).Spec;
        if (model.Members == 1) return Checkpoint.SpecDifferences(weights, model);
        var differences = Enumerable.Range(0, model.Members).Select(k => MemberDifferences(weights, model.MemberSpec(k))).ToList();
        return differences.FirstOrDefault(d => d.Count == 0) ?? differences[0];
    }

    /// <summary>
    /// Loads the weights called <paramref name="name"/> into <paramref name="model"/>, or, for an ensemble, into each
    /// member they fit (the others keep their weights: a mixed ensemble's plain member starts from them, its view
    /// member from random weights). Returns how many networks received them.
    /// </summary>
    /// <exception cref="ArgumentException">No weights of that name ship with the package.</exception>
    /// <exception cref="InvalidDataException">They fit neither the model nor any member; the message names the differences.</exception>
    public static int LoadInto(string name, GalaxyNet model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var weights = Load(name);
        if (model.Members.Count == 0)
        {
            weights.LoadWeightsInto(model);
            return 1;
        }
        var fitting = model.Members.Where(m => MemberDifferences(weights.Spec, m.Spec).Count == 0).ToList();
        if (fitting.Count == 0)
            throw new InvalidDataException($"pretrained weights '{name}' fit no member of the ensemble: {string.Join("; ", SpecDifferences(name, model.Spec))}");
        foreach (var member in fitting) weights.LoadWeightsInto(member, ignoreProjection: true);
        return fitting.Count;
    }

    /// <summary>How an ensemble member differs from the weights' model; members never project (the mean is projected once), and the projection has no weights.</summary>
    private static IReadOnlyList<string> MemberDifferences(ModelSpec weights, ModelSpec member) =>
        Checkpoint.SpecDifferences(weights with { ProjectOntoTree = member.ProjectOntoTree }, member);

    /// <summary>Throws <see cref="ArgumentException"/> (for <paramref name="parameter"/>) unless weights called <paramref name="name"/> ship.</summary>
    internal static void EnsureKnown(string? name, string parameter)
    {
        if (name is null || !Names.Contains(name))
            throw new ArgumentException($"no pretrained weights called '{name}'; available: {string.Join(", ", Names)}", parameter);
    }

    private static Checkpoint Read(string name)
    {
        var resource = ResourceName(name);
        using var stream = typeof(PretrainedWeights).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the package lacks its embedded resource '{resource}': the build is broken");
        return Checkpoint.Read(stream, $"pretrained weights '{name}'");
    }

    internal static string ResourceName(string name) => $"GalaxyMorphology.Pretrained.{name}.ckpt";
}
