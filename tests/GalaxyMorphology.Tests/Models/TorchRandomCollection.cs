namespace GalaxyMorphology.Tests.Models;

/// <summary>
/// Building a network draws from TorchSharp's process-wide generator. Tests that seed it (here and
/// <c>TestModels.Small</c>) would see each other's draws if they ran at once, so these classes run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomCollection
{
    public const string Name = "Torch global RNG";
}
