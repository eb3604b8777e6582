using System.Text.Json.Serialization;

namespace GalaxyMorphology.Models;

/// <summary>How the features of rotated views (<see cref="ModelSpec.Views"/>) become one vector per galaxy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ViewPooling>))]
public enum ViewPooling
{
    /// <summary>
    /// The views' features side by side (Dieleman et al. 2015): the classifier can tell the views apart, so the
    /// network is not forced to be rotation invariant.
    /// </summary>
    Concatenate,

    /// <summary>
    /// The mean of the views' features (cyclic pooling, Dieleman et al. 2016): turning the image by 90° only reorders
    /// the views, so the prediction does not change (and with 8 views, neither does mirroring); a smaller classifier.
    /// </summary>
    Mean,
}
