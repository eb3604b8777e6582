namespace GalaxyMorphology.Synthetic;

/// <summary>How hard synthetic galaxies are to classify: sky noise, faintness and apparent size.</summary>
public enum SyntheticDifficulty
{
    /// <summary>Large, bright galaxies on a quiet sky: features are easy to see and volunteers agree more.</summary>
    Easy,

    /// <summary>Sizes, brightness and noise like the real Kaggle images (the default).</summary>
    Standard,

    /// <summary>Smaller, fainter galaxies on a noisier sky: many features are lost and volunteers disagree.</summary>
    Hard,
}
