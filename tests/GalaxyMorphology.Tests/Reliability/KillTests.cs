using System.Diagnostics;
using GalaxyMorphology.Cli;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Persistence;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Tests.Support;

namespace GalaxyMorphology.Tests.Reliability;

/// <summary>
/// SIGKILL during training (the longer version is eng/kill-test.sh): the galaxy CLI trains a tiny model in a child
/// process, which is killed at random moments, checkpoint writes included. After every kill the best checkpoint loads
/// and predicts, and the next run resumes from last.ckpt.
/// </summary>
public sealed class KillTests
{
    [SkippableFact]
    public void Training_killed_at_random_moments_never_loses_a_checkpoint()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the kill test sends SIGKILL to a child process on Linux");
        using var temp = new TestModels.TempFolder();
        var data = temp.File("data");
        SyntheticKaggleWriter.Write(data, new SyntheticWriterOptions { Count = 40, Seed = 4, Size = 424 });
        var run = temp.File("run");
        var galaxy = typeof(GalaxyCli).Assembly.Location;
        var random = new Random(12);
        var epochsSeen = new List<int>();
        for (var kill = 0; kill < 3; kill++)
        {
            var arguments = $"\"{galaxy}\" train --data \"{data}\" --out \"{run}\" --variant compact --epochs 100000 --batch 8 --val-fraction 0.25 --no-report"
                            + (File.Exists(Path.Combine(run, "last.ckpt")) ? " --resume" : "");
            using var process = Process.Start(new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            // wait for the first checkpoint of this run, then kill at a random moment within the next 1.5 s
            var started = File.Exists(Path.Combine(run, "last.ckpt")) ? File.GetLastWriteTimeUtc(Path.Combine(run, "last.ckpt")) : DateTime.MinValue;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited
                   && !(File.Exists(Path.Combine(run, "last.ckpt")) && File.GetLastWriteTimeUtc(Path.Combine(run, "last.ckpt")) > started))
                Thread.Sleep(50);
            process.HasExited.Should().BeFalse("training must still be running when it is killed");
            Thread.Sleep(random.Next(0, 1500));
            process.Kill();
            process.WaitForExit();

            var best = Path.Combine(run, "best.ckpt");
            File.Exists(best).Should().BeTrue($"kill {kill + 1}: the best checkpoint must survive");
            using var model = GalaxyModel.Load(best);
            var votes = model.Predict(Directory.GetFiles(Path.Combine(data, "images_training_rev1"))[0]);
            votes.Values.ToArray().Should().HaveCount(37).And.OnlyContain(v => float.IsFinite(v));
            epochsSeen.Add(Checkpoint.Read(Path.Combine(run, "last.ckpt")).Epoch);
        }
        epochsSeen.Should().BeInAscendingOrder().And.Subject.Last().Should().BeGreaterThan(epochsSeen.First(), "each run resumes where the last checkpoint left off");
    }
}
