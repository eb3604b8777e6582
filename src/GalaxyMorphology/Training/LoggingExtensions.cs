using Microsoft.Extensions.Logging;

namespace GalaxyMorphology.Training;

internal static partial class LoggingExtensions
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    public static partial void LogEpoch(this ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void LogTrainingWarning(this ILogger logger, string message);
}
