using GalaxyMorphology.Platform;

TorchRuntime.EnsureLoaded();
Console.WriteLine("GalaxyMorphology quick start: the runtime loads; training on synthetic galaxies is not implemented yet.");
return 0;
