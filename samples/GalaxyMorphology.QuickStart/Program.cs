// The quick start: with no arguments, render a synthetic Galaxy Zoo data set, train the recommended CPU recipe for a
// few minutes, keep the best checkpoint, evaluate it against the mean predictor, and write a report folder and a
// Kaggle submission. Usage: QuickStart [KAGGLE_FOLDER] [--minutes M] [--out DIR] [--count N]
using System.Globalization;
using GalaxyMorphology.Data;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Reporting;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Training;
using Spectre.Console;

var minutes = 3.0;
var count = 2500;
var output = Path.GetFullPath("galaxy-quickstart");
string? data = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--minutes" when i + 1 < args.Length: minutes = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--count" when i + 1 < args.Length: count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out" when i + 1 < args.Length: output = Path.GetFullPath(args[++i]); break;
        case "--help" or "-h":
            Console.WriteLine("usage: QuickStart [KAGGLE_FOLDER] [--minutes M (3)] [--count N synthetic galaxies (2500)] [--out DIR (galaxy-quickstart)]");
            return 0;
        default:
            if (args[i].StartsWith("--", StringComparison.Ordinal) || data is not null)
            {
                Console.Error.WriteLine($"error: unexpected argument '{args[i]}' (see --help)");
                return 2;
            }
            data = args[i];
            break;
    }
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    AnsiConsole.MarkupLine("[yellow]stopping after the current batch; the best checkpoint is kept[/]");
    cancel.Cancel();
};

try
{
    AnsiConsole.MarkupLine("[bold]GalaxyMorphology quick start[/]");
    if (data is null)
    {
        data = Path.Combine(output, "data");
        var marker = Path.Combine(data, "synthetic.json");
        if (File.Exists(marker) && File.Exists(Path.Combine(data, "training_solutions_rev1.csv")))
        {
            AnsiConsole.MarkupLine($"using the synthetic galaxies already in [blue]{Markup.Escape(data)}[/]");
        }
        else
        {
            var options = new SyntheticWriterOptions { Count = count, TestCount = 200, Seed = 1, Overwrite = true };
            SyntheticWriteResult? written = null;
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("rendering synthetic galaxies", maxValue: options.Count + options.TestCount);
                    written = SyntheticKaggleWriter.Write(data, options, new SynchronousProgress<int>(done => task.Value = done), cancellationToken: cancel.Token);
                    task.Value = task.MaxValue;
                });
            AnsiConsole.MarkupLine($"rendered {written!.TrainingCount} training and {written.TestCount} test galaxies into [blue]{Markup.Escape(data)}[/] in {written.Seconds:0.0}s");
        }
    }

    var run = Path.Combine(output, "run");
    // synthetic galaxies are plentiful: hold out 5% so the validation table below rests on more than a few dozen
    var recipe = TrainingRecipe.Cpu with { TimeBudget = TimeSpan.FromMinutes(minutes), Epochs = null, ValidationFraction = 0.05 };
    AnsiConsole.MarkupLine($"training recipe [green]{recipe.Name}[/] ({recipe.Variant}, {recipe.Preprocessing.Size} px, batch {recipe.BatchSize}, {recipe.Precision.Describe(TorchSharp.torch.CPU)}) for {minutes:0.##} minutes; Ctrl-C stops early and keeps the best model");
    TrainingRunResult? result = null;
    AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(ctx =>
        {
            var task = ctx.AddTask("training", maxValue: 1000);
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                task.Value = Math.Min(1000, 1000 * p.Elapsed.TotalSeconds / (minutes * 60));
                if (p.Phase == "timing")
                    task.Description = "timing the first epochs to plan the budget";
                else if (p.LastEpoch is { } e)
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}{(p.Epoch <= p.TotalEpochs ? $"/{p.TotalEpochs}" : "")}  val_rmse {e.ValRmse:0.0000}  {p.ImagesPerSecond:0} img/s");
            });
            result = TrainingRun.Run(recipe, data, run, new TrainingRunOptions(), progress, cancel.Token);
            task.Value = task.MaxValue;
        });

    var history = result!.History;
    AnsiConsole.MarkupLine($"{Markup.Escape(history.StopMessage)}: {history.Epochs.Count} epochs in {history.Seconds:0}s");
    var table = new Table().AddColumns("epoch", "loss", "rmse", "val_rmse", "lr", "img/s");
    foreach (var e in history.Epochs)
        table.AddRow(e.Epoch.ToString(CultureInfo.InvariantCulture), F(e.Loss), F(e.Rmse), F(e.ValRmse), e.LearningRate.ToString("0.0e+0", CultureInfo.InvariantCulture), e.ImagesPerSecond.ToString("0", CultureInfo.InvariantCulture));
    AnsiConsole.Write(table);
    if (result.BestCheckpoint is null)
    {
        AnsiConsole.MarkupLine("[red]no epoch finished, so there is no checkpoint to evaluate[/]");
        return 1;
    }

    using var model = GalaxyModel.Load(result.BestCheckpoint);
    var reportFolder = Path.Combine(output, "report");
    var report = RunReport.Write(reportFolder, history, model, result.Train, result.Validation, recipe.TestTimeAugmentation, cancel.Token);
    AnsiConsole.WriteLine(report.Text);

    var testImages = Path.Combine(data, "images_test_rev1");
    var submission = Path.Combine(output, "submission.csv");
    var toPredict = Directory.Exists(testImages) ? GalaxyImageFolder.Open(testImages, model.Preprocessing) : result.Validation;
    var predictions = model.Predict(toPredict, recipe.TestTimeAugmentation, cancellationToken: cancel.Token);
    SubmissionWriter.Write(submission, predictions);

    AnsiConsole.MarkupLine($"[green]RMSE {report.Evaluation.Rmse:0.0000}[/] on {report.Evaluation.Count} validation galaxies (mean predictor {report.Baseline.Rmse:0.0000})");
    AnsiConsole.MarkupLine($"best checkpoint: [blue]{Markup.Escape(result.BestCheckpoint)}[/]");
    AnsiConsole.MarkupLine($"report:          [blue]{Markup.Escape(reportFolder)}[/] ({string.Join(", ", report.Files.Select(Path.GetFileName))})");
    AnsiConsole.MarkupLine($"submission:      [blue]{Markup.Escape(submission)}[/] ({predictions.Count} galaxies)");
    return 0;
}
catch (OperationCanceledException)
{
    AnsiConsole.MarkupLine("[yellow]cancelled[/]");
    return 1;
}
catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException or InvalidOperationException)
{
    AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
    return 1;
}

static string F(double v) => v.ToString("0.00000", CultureInfo.InvariantCulture);
