using System.Text.Json.Nodes;
using GalaxyMorphology.Cli;
using GalaxyMorphology.Inference;
using GalaxyMorphology.Models;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Tests.Support;

namespace GalaxyMorphology.Tests.Cli;

/// <summary>The galaxy CLI run in-process: exit codes, error lines, JSON contracts and files written.</summary>
public sealed class GalaxyCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = GalaxyCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static JsonObject LastJson(string output)
    {
        var last = output.TrimEnd().Split('\n').Last();
        return JsonNode.Parse(last)!.AsObject();
    }

    [Fact]
    public void No_arguments_and_unknown_commands_are_bad_usage()
    {
        Run().Code.Should().Be(2);
        var unknown = Run("fly");
        unknown.Code.Should().Be(2);
        unknown.Err.Should().Contain("unknown command 'fly'");
        Run("--help").Code.Should().Be(0);
    }

    [Fact]
    public void Every_command_has_help()
    {
        foreach (var name in new[] { "synth", "summary", "train", "evaluate", "predict" })
        {
            var (code, output, _) = Run(name, "--help");
            code.Should().Be(0);
            output.Should().Contain($"galaxy {name}").And.Contain("usage:");
        }
    }

    [Fact]
    public void Bad_options_name_the_option_and_exit_2()
    {
        var unknown = Run("summary", "--colour", "red");
        unknown.Code.Should().Be(2);
        unknown.Err.Should().Contain("--colour");
        var badChoice = Run("summary", "--variant", "resnet");
        badChoice.Code.Should().Be(2);
        badChoice.Err.Should().Contain("--variant").And.Contain("resnet");
        var missing = Run("train", "--out", "x");
        missing.Code.Should().Be(2);
        missing.Err.Should().Contain("--data");
    }

    [Fact]
    public void A_missing_model_file_is_a_clear_error()
    {
        var (code, _, err) = Run("evaluate", "--model", "/nonexistent/best.ckpt", "--data", "/nonexistent");
        code.Should().Be(2);
        err.Should().Contain("/nonexistent/best.ckpt");
    }

    [Theory]
    [InlineData("vanilla", 224, 21_732_773L)]
    [InlineData("batchnorm", 224, 21_735_525L)]
    [InlineData("highdropout", 224, 21_733_989L)]
    public void Summary_json_gives_the_exact_parameter_counts(string variant, int size, long trainable)
    {
        var (code, output, _) = Run("summary", "--variant", variant, "--json");
        code.Should().Be(0);
        var json = LastJson(output);
        json["variant"]!.GetValue<string>().Should().Be(variant);
        json["inputSize"]!.GetValue<int>().Should().Be(size);
        json["trainableParameters"]!.GetValue<long>().Should().Be(trainable);
        json["nonTrainableParameters"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(0);
        json["outputShape"]!.AsArray()[1]!.GetValue<int>().Should().Be(37);
    }

    [Fact]
    public void The_cpu_presets_pretrained_start_gives_way_to_a_changed_model_and_to_init_weights_none()
    {
        using var temp = new TestModels.TempFolder();
        var data = temp.File("data");
        Run("synth", "--out", data, "--count", "16", "--seed", "4").Code.Should().Be(0);
        string? Pretrained(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "recipe.json")))!["pretrainedWeights"]?.GetValue<string>();

        var resized = Run("train", "--data", data, "--out", temp.File("resized"), "--epochs", "1", "--batch", "8", "--val-fraction", "0.25", "--size", "32", "--no-report");
        resized.Code.Should().Be(0, resized.Err);
        resized.Out.Should().Contain("starting from random weights");
        Pretrained(temp.File("resized")).Should().BeNull();

        var viewed = Run("train", "--data", data, "--out", temp.File("viewed"), "--epochs", "1", "--batch", "8", "--val-fraction", "0.25", "--views", "4", "--no-report");
        viewed.Code.Should().Be(0, viewed.Err);
        viewed.Out.Should().Contain("starting from random weights");
        Pretrained(temp.File("viewed")).Should().BeNull();
        using (var model = GalaxyModel.Load(Path.Combine(temp.File("viewed"), "last.ckpt")))
            (model.Spec.Views, model.Spec.ViewSize, model.Spec.ViewPooling).Should().Be((4, 40, ViewPooling.Mean));
        Run("train", "--data", data, "--out", temp.File("bad-views"), "--epochs", "1", "--views", "3").Code.Should().Be(2);
        Run("train", "--data", data, "--out", temp.File("bad-views"), "--epochs", "1", "--variant", "compact", "--views", "4").Code.Should().Be(2);

        var sameSize = Run("train", "--data", data, "--out", temp.File("same-size"), "--epochs", "1", "--batch", "8", "--val-fraction", "0.25", "--size", "64", "--no-report");
        sameSize.Code.Should().Be(0, sameSize.Err);
        Pretrained(temp.File("same-size")).Should().Be("cpunet-synthetic", "--size 64 is the preset's own size, which the weights fit");

        var none = Run("train", "--data", data, "--out", temp.File("none"), "--epochs", "1", "--batch", "8", "--val-fraction", "0.25", "--init-weights", "none", "--no-report");
        none.Code.Should().Be(0, none.Err);
        Pretrained(temp.File("none")).Should().BeNull();

        var preset = Run("train", "--data", data, "--out", temp.File("preset"), "--epochs", "1", "--batch", "8", "--val-fraction", "0.25", "--no-report");
        preset.Code.Should().Be(0, preset.Err);
        Pretrained(temp.File("preset")).Should().Be("cpunet-synthetic");

        var last = Path.Combine(temp.File("preset"), "last.ckpt");
        var export = Run("export", "--model", last, "--out", temp.File("weights.ckpt"), "--json");
        export.Code.Should().Be(0, export.Err);
        var x = LastJson(export.Out);
        x.Select(p => p.Key).Should().BeEquivalentTo("out", "bytes");
        x["bytes"]!.GetValue<long>().Should().Be(new FileInfo(temp.File("weights.ckpt")).Length).And.BeLessThan(new FileInfo(last).Length / 2);
        var evaluate = Run("evaluate", "--model", temp.File("weights.ckpt"), "--data", data);
        evaluate.Code.Should().Be(0, evaluate.Err);
        Run("export", "--model", temp.File("missing.ckpt"), "--out", temp.File("w2.ckpt")).Code.Should().Be(2);
    }

    [Fact]
    public void Train_takes_a_precision_and_member_views_and_refuses_bad_ones_by_name()
    {
        using var temp = new TestModels.TempFolder();
        var data = temp.File("data");
        Run("synth", "--out", data, "--count", "16", "--seed", "4").Code.Should().Be(0);
        JsonObject Recipe(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "recipe.json")))!.AsObject();

        var mixed = Run("train", "--data", data, "--out", temp.File("mixed"), "--epochs", "1", "--batch", "8", "--val-fraction", "0.25",
            "--precision", "bfloat16", "--member-views", "0,4", "--no-report");
        mixed.Code.Should().Be(0, mixed.Err);
        Recipe(temp.File("mixed"))["precision"]!.GetValue<string>().Should().Be("BFloat16");
        Recipe(temp.File("mixed"))["precisionSetting"]!.GetValue<string>().Should().Be("BFloat16");
        Recipe(temp.File("mixed"))["pretrainedWeights"]!.GetValue<string>().Should().Be("cpunet-synthetic", "the plain member fits the shipped weights");
        using (var model = GalaxyModel.Load(Path.Combine(temp.File("mixed"), "last.ckpt")))
        {
            model.Spec.Members.Should().Be(2);
            model.Spec.MemberViews.Should().Equal(0, 4);
        }

        // The cpu preset's auto: recipe.json records the setting and what it came to on this machine.
        var auto = Run("train", "--data", data, "--out", temp.File("auto"), "--epochs", "1", "--batch", "8", "--val-fraction", "0.25", "--no-report");
        auto.Code.Should().Be(0, auto.Err);
        Recipe(temp.File("auto"))["precisionSetting"]!.GetValue<string>().Should().Be("Auto");
        Recipe(temp.File("auto"))["precision"]!.GetValue<string>().Should().Be(TrainingPrecisionExtensions.CpuHasNativeBFloat16 ? "BFloat16" : "Float32");

        var badPrecision = Run("train", "--data", data, "--out", temp.File("bad"), "--epochs", "1", "--precision", "half");
        badPrecision.Code.Should().Be(2);
        badPrecision.Err.Should().Contain("--precision").And.Contain("half").And.Contain("auto");
        var badViews = Run("train", "--data", data, "--out", temp.File("bad"), "--epochs", "1", "--member-views", "0,5");
        badViews.Code.Should().Be(2);
        badViews.Err.Should().Contain("--member-views").And.Contain("'5'");
        var mixedCounts = Run("train", "--data", data, "--out", temp.File("bad"), "--epochs", "1", "--member-views", "4,8");
        mixedCounts.Code.Should().Be(2);
        mixedCounts.Err.Should().Contain("--member-views").And.Contain("mix 4 and 8");
        Run("train", "--data", data, "--out", temp.File("bad"), "--epochs", "1", "--variant", "compact", "--member-views", "0,4").Code.Should().Be(2);
    }

    [Fact]
    public void Train_with_only_minutes_times_itself_says_whether_it_planned_and_keeps_to_the_budget()
    {
        using var temp = new TestModels.TempFolder();
        var data = temp.File("data");
        Run("synth", "--out", data, "--count", "40", "--seed", "4").Code.Should().Be(0);

        // 9 seconds; an epoch of 36 galaxies takes well under a second, so timing two normally takes less than a quarter of the
        // budget and the run plans. On a machine busy with other work (the tests run in parallel) the timing may run out of
        // its quarter; then the run must say that it follows the clock, never print a plan it does not have.
        var train = Run("train", "--data", data, "--out", temp.File("run"), "--minutes", "0.15", "--batch", "12", "--val-fraction", "0.1",
            "--init-weights", "none", "--no-report");
        train.Code.Should().Be(0, train.Err);
        train.Out.Should().Contain("timing 2 epochs to plan the budget");
        var stopped = System.Text.RegularExpressions.Regex.Match(train.Out, @"stopped: .* after (\d+) epochs in (\d+)s");
        stopped.Success.Should().BeTrue(train.Out);
        var trained = int.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        trained.Should().BeGreaterThanOrEqualTo(1, "a plan may grow when the timing epochs ran slower than the rest (JIT, cold caches)");
        int.Parse(stopped.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeLessThanOrEqualTo(9, "the budget includes the timing and the validation:\n{0}", train.Out);
        File.ReadAllLines(Path.Combine(temp.File("run"), "history.csv")).Should().HaveCount(1 + trained, "the timing epochs are not logged");
        var planned = System.Text.RegularExpressions.Regex.Match(train.Out, @"planned (\d+) epochs for the budget");
        if (!planned.Success)
        {
            train.Out.Should().Contain("too few epochs fit the budget to plan them: the learning rate follows the clock");
            train.Out.Should().NotContain("repeats this run exactly");
            return;
        }
        var epochs = int.Parse(planned.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        epochs.Should().BeGreaterThanOrEqualTo(1, train.Out);
        train.Out.Should().NotContain("too few epochs fit the budget");
        // Either the plan held (then it names the command that repeats the run) or the machine's speed changed and it says so.
        var repeatable = train.Out.Contains($"the same command with --epochs {epochs} instead of --minutes repeats this run exactly", StringComparison.Ordinal);
        var replanned = train.Out.Contains("planned its epochs again while training", StringComparison.Ordinal);
        (repeatable ^ replanned).Should().BeTrue(train.Out);
        if (repeatable) trained.Should().Be(epochs);
    }

    [Fact]
    public void Synth_train_evaluate_predict_work_end_to_end_with_json_contracts()
    {
        using var temp = new TestModels.TempFolder();
        var data = temp.File("data");
        var run = temp.File("run");

        var synth = Run("synth", "--out", data, "--count", "60", "--test-count", "6", "--size", "424", "--seed", "3", "--json");
        synth.Code.Should().Be(0, synth.Err);
        File.Exists(Path.Combine(data, "training_solutions_rev1.csv")).Should().BeTrue();
        Directory.GetFiles(Path.Combine(data, "images_test_rev1"), "*.jpg").Should().HaveCount(6);

        var train = Run("train", "--data", data, "--out", run, "--epochs", "2", "--batch", "16", "--val-fraction", "0.25", "--json");
        train.Code.Should().Be(0, train.Err);
        var t = LastJson(train.Out);
        t.Select(p => p.Key).Should().BeEquivalentTo("bestCheckpoint", "epochs", "bestValRmse", "seconds");
        t["epochs"]!.GetValue<int>().Should().Be(2);
        var best = t["bestCheckpoint"]!.GetValue<string>();
        File.Exists(best).Should().BeTrue();
        File.Exists(Path.Combine(run, "last.ckpt")).Should().BeTrue();
        File.ReadAllLines(Path.Combine(run, "history.csv")).Should().HaveCount(3);
        File.Exists(Path.Combine(run, "report", "rmse.png")).Should().BeTrue();
        File.Exists(Path.Combine(run, "report", "gallery.png")).Should().BeTrue();
        File.ReadLines(Path.Combine(run, "report", "evaluation.txt")).First().Should()
            .Be($"validation: 15 galaxies, {TestTimeAugmentation.Views}-view test-time augmentation", "the cpu recipe evaluates with its test-time augmentation");
        t["bestValRmse"]!.GetValue<double>().Should().BeInRange(0.01, 0.5);

        var resumed = Run("train", "--data", data, "--out", run, "--epochs", "3", "--batch", "16", "--val-fraction", "0.25", "--resume", "--no-report", "--json");
        resumed.Code.Should().Be(0, resumed.Err);
        File.ReadAllLines(Path.Combine(run, "history.csv")).Should().HaveCount(4, "the resumed run appends epoch 3");

        // A new run from those weights: with a learning rate of 1e-9 its weights stay the checkpoint's, not a fresh init's.
        var tuned = temp.File("tuned");
        var last = Path.Combine(run, "last.ckpt");
        var fineTune = Run("train", "--data", data, "--out", tuned, "--epochs", "1", "--batch", "16", "--val-fraction", "0.25", "--lr", "1e-9",
            "--init-weights", last, "--no-report", "--json");
        fineTune.Code.Should().Be(0, fineTune.Err);
        File.ReadAllLines(Path.Combine(tuned, "history.csv")).Should().HaveCount(2, "a fine-tuning run starts at epoch 1");
        using (var start = GalaxyModel.Load(last))
        using (var end = GalaxyModel.Load(Path.Combine(tuned, "last.ckpt")))
        {
            var startWeights = start.Network.parameters().ToArray();
            var endWeights = end.Network.parameters().ToArray();
            endWeights.Zip(startWeights).Should().OnlyContain(p => p.First.allclose(p.Second, 1e-5, 1e-6, false));
        }
        Run("train", "--data", data, "--out", tuned, "--epochs", "1", "--init-weights", last, "--resume").Code.Should().Be(2);
        Run("train", "--data", data, "--out", temp.File("none"), "--epochs", "1", "--init-weights", temp.File("missing.ckpt")).Code.Should().Be(2);

        var evaluate = Run("evaluate", "--model", best, "--data", data, "--json");
        evaluate.Code.Should().Be(0, evaluate.Err);
        var e = LastJson(evaluate.Out);
        e["count"]!.GetValue<int>().Should().Be(60);
        e["rmse"]!.GetValue<double>().Should().BeInRange(0.01, 0.5);
        e["questions"]!.AsObject().Select(p => p.Key).Should().Equal(Enumerable.Range(1, 11).Select(i => "Q" + i));

        var submission = temp.File("submission.csv");
        var predict = Run("predict", "--model", best, "--images", Path.Combine(data, "images_test_rev1"), "--out", submission, "--tta");
        predict.Code.Should().Be(0, predict.Err);
        var lines = File.ReadAllLines(submission);
        lines[0].Should().Be(SubmissionWriter.Header);
        lines.Should().HaveCount(7);
        var values = lines[1].Split(',').Skip(1).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        values.Should().HaveCount(GalaxyZooTaxonomy.OutputCount).And.OnlyContain(v => v >= 0 && v <= 1);

        // Several models, comma-separated: their predictions are averaged galaxy by galaxy.
        var images = Path.Combine(data, "images_test_rev1");
        Run("train", "--data", data, "--out", temp.File("other"), "--epochs", "1", "--batch", "16", "--val-fraction", "0.25", "--init-weights", "none", "--no-report")
            .Code.Should().Be(0);
        last = Path.Combine(temp.File("other"), "last.ckpt");
        Run("predict", "--model", last, "--images", images, "--out", temp.File("last.csv")).Code.Should().Be(0);
        Run("predict", "--model", best, "--images", images, "--out", temp.File("best.csv")).Code.Should().Be(0);
        var both = Run("predict", "--model", $"{best},{last}", "--images", images, "--out", temp.File("both.csv"), "--json");
        both.Code.Should().Be(0, both.Err);
        LastJson(both.Out)["count"]!.GetValue<int>().Should().Be(6);
        static float[][] Rows(string file) => File.ReadAllLines(file).Skip(1)
            .Select(l => l.Split(',').Skip(1).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var (a, b, mean) = (Rows(temp.File("best.csv")), Rows(temp.File("last.csv")), Rows(temp.File("both.csv")));
        a[0].Should().NotEqual(b[0], "the two models differ, so the test can tell a mean from either");
        for (var r = 0; r < 6; r++)
            for (var c = 0; c < GalaxyZooTaxonomy.OutputCount; c++)
                mean[r][c].Should().BeApproximately((a[r][c] + b[r][c]) / 2, 2e-6f);
        var pair = Run("evaluate", "--model", $"{best},{last}", "--data", data, "--json");
        pair.Code.Should().Be(0, pair.Err);
        LastJson(pair.Out)["count"]!.GetValue<int>().Should().Be(60);
        Run("evaluate", "--model", $"{best},{temp.File("missing.ckpt")}", "--data", data).Code.Should().Be(2);
    }
}
