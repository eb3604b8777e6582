namespace GalaxyMorphology.Tests.Support;

/// <summary>Finds the real Kaggle sample at ../shared/realdata beside the repository, when it is there.</summary>
public static class RealData
{
    /// <summary>The real sample's folder, or null when it is absent (users of the library do not have it).</summary>
    public static string? Root { get; } = Find();

    /// <summary>The labels CSV of the real sample.</summary>
    public static string LabelsCsv => Path.Combine(Root!, "training_solutions_rev1.csv");

    /// <summary>The image folder of the real sample.</summary>
    public static string Images => Path.Combine(Root!, "images_training_rev1");

    /// <summary>Skips the calling test with a clear message when the real sample is absent.</summary>
    public static void SkipIfAbsent() =>
        Skip.If(Root is null, "the real Kaggle sample (../shared/realdata beside the repository) is absent; this test needs real galaxies");

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("GALAXY_REALDATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GalaxyMorphology.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "realdata"));
                return File.Exists(Path.Combine(candidate, "training_solutions_rev1.csv")) ? candidate : null;
            }
        }
        return null;
    }
}
