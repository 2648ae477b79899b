using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Penalties.Cli;

/// <summary>
/// Batch progress on stderr: a Spectre.Console bar with rate and ETA when stderr is a terminal; otherwise (a log, a
/// pipe, a test) a plain line every few seconds, so no control characters end up in files.
/// </summary>
internal static class BatchProgress
{
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="body"/>, which calls the given action with the number of input rows done so far each time.</summary>
    public static Task RunAsync(TextWriter stderr, string name, Stream? input, Func<Action<int>, Task> body) =>
        ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected ? OnTerminal(name, input, body) : Plain(stderr, name, input, body);

    private static async Task Plain(TextWriter stderr, string name, Stream? input, Func<Action<int>, Task> body)
    {
        var clock = Stopwatch.StartNew();
        var next = PlainEvery;
        long rows = 0;
        await body(n =>
        {
            rows += n;
            if (clock.Elapsed < next) return;
            next = clock.Elapsed + PlainEvery;
            var percent = input is { CanSeek: true, Length: > 0 } ? string.Create(CultureInfo.InvariantCulture, $", {100.0 * input.Position / input.Length:0}%") : "";
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {rows} rows, {rows / clock.Elapsed.TotalSeconds:0} rows/s{percent}"));
        });
    }

    private static Task OnTerminal(string name, Stream? input, Func<Action<int>, Task> body)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                // The bar follows the bytes read (the total is known for a file); the description shows rows and their rate.
                var task = ctx.AddTask(Markup.Escape(name), maxValue: input is { CanSeek: true, Length: > 0 } ? input.Length : 1);
                task.IsIndeterminate = input is not { CanSeek: true, Length: > 0 };
                var clock = Stopwatch.StartNew();
                var next = TimeSpan.Zero;
                long rows = 0;
                await body(n =>
                {
                    rows += n;
                    if (clock.Elapsed < next) return;
                    next = clock.Elapsed + TimeSpan.FromMilliseconds(200);
                    if (!task.IsIndeterminate) task.Value = input!.Position;
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{name}: {rows:N0} rows, {rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0}/s"));
                });
                task.Value = task.MaxValue;
            });
    }
}
