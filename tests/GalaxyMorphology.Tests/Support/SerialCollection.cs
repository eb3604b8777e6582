namespace GalaxyMorphology.Tests.Support;

/// <summary>
/// Tests that depend on process-global TorchSharp state (the default random generator, live-tensor statistics) run in
/// this collection, alone: other test classes running in parallel would otherwise draw from the same generator.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "torch global state";
}
