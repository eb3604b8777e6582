using GalaxyMorphology.Cli;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl-C: stop after the current batch and keep the best checkpoint; a second one kills the process.
    if (cts.IsCancellationRequested) return;
    e.Cancel = true;
    Console.Error.WriteLine("stopping after the current batch (Ctrl-C again to abort)...");
    cts.Cancel();
};
return GalaxyCli.Run(args, Console.Out, Console.Error, cts.Token);
