namespace GalaxyMorphology.Reporting;
internal static class Probe { }
