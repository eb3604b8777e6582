using GalaxyMorphology.Taxonomy;

namespace GalaxyMorphology.Inference;

/// <summary>The predicted vote fractions of one galaxy.</summary>
/// <param name="Id">The GalaxyID.</param>
/// <param name="Votes">The 37 predicted values.</param>
public sealed record GalaxyPrediction(long Id, GalaxyZooVotes Votes);

/// <summary>Progress of a batch prediction.</summary>
/// <param name="Done">Galaxies predicted.</param>
/// <param name="Total">Galaxies in all.</param>
public readonly record struct PredictionProgress(int Done, int Total);
