using System.Text;
using System.Text.Json;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;

namespace Penalties.Cli;

/// <summary>
/// Batch mode: one case per JSONL line in, one JSONL result per case out, in input order. A line that
/// cannot be read is reported with its line number and field and the rest goes on; the exit code is 2
/// when any line was bad.
/// </summary>
internal static class BatchRun
{
    public static async Task<int> RunAsync(bool lateShipment, string input, string? outFile, bool csv, Assessor assessor, RulePin? pin,
        TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        bool csvIn = csv || input.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        bool csvOut = csv || (outFile?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ?? false);
        var text = input == "-" ? await stdin.ReadToEndAsync() : await File.ReadAllTextAsync(input);
        var lines = csvIn ? [] : text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var name = input == "-" ? "stdin" : input;
        var cases = new List<(int Line, object Case)>(lines.Length);
        var results = new SortedDictionary<int, (Google.Protobuf.IMessage? Decision, Contracts.V1.ItemError? Error)>();
        int bad = 0;
        if (csvIn)
        {
            var (read, errors) = Csv.Read(lateShipment, text);
            cases.AddRange(read);
            foreach (var e in errors)
            {
                bad++;
                await stderr.WriteLineAsync($"{name}: {e.Message}");
                results[e.Line] = (null, Error(3, e.Message, e.Column, e.Message));
            }
        }
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            try
            {
                object? c = lateShipment
                    ? JsonSerializer.Deserialize<LateShipmentCase>(lines[i], JsonSetup.Options)
                    : JsonSerializer.Deserialize<PriceMatchCase>(lines[i], JsonSetup.Options);
                if (c is null) throw new JsonException("empty line");
                cases.Add((i + 1, c));
            }
            catch (JsonException e)
            {
                bad++;
                var message = $"{e.Path ?? "$"}: {e.Message}";
                await stderr.WriteLineAsync($"{name}: line {i + 1}: {message}");
                results[i + 1] = (null, Error(3, message, e.Path ?? "$", e.Message));
            }
        }

        var progress = new Progress(stderr, cases.Count);
        await foreach (var r in assessor.AssessManyAsync(cases, pin, CancellationToken.None))
        {
            if (r.Error is { } error)
            {
                bad++;
                foreach (var v in error.FieldViolations) await stderr.WriteLineAsync($"{name}: line {r.Line}: {v.Field}: {v.Description}");
                if (error.FieldViolations.Count == 0) await stderr.WriteLineAsync($"{name}: line {r.Line}: {error.Message}");
                results[r.Line] = (null, error);
            }
            else
            {
                results[r.Line] = (r.Decision, null);
            }
            progress.Advance();
        }
        progress.Done();

        var output = new StringBuilder();
        if (csvOut) output.Append(Csv.ResultHeader).Append('\n');
        foreach (var (line, (decision, error)) in results)
        {
            output.Append(csvOut ? Csv.ResultRow(line, decision, error)
                : error is not null ? $"{{\"line\":{line},\"error\":{ProtoJson.Format(error)}}}"
                : $"{{\"line\":{line},\"decision\":{ProtoJson.Format(decision!)}}}").Append('\n');
        }
        if (outFile is null) await stdout.WriteAsync(output.ToString());
        else await File.WriteAllTextAsync(outFile, output.ToString());
        await stderr.WriteLineAsync($"{results.Count} case(s): {results.Count - bad} decided, {bad} refused");
        return bad > 0 ? 2 : 0;
    }

    private static Contracts.V1.ItemError Error(int code, string message, string field, string description)
    {
        var error = new Contracts.V1.ItemError { Code = code, Message = message };
        error.FieldViolations.Add(new Contracts.V1.FieldViolation { Field = field, Description = description });
        return error;
    }

    /// <summary>A progress bar on stderr, redrawn at most once per percent.</summary>
    private sealed class Progress(TextWriter stderr, int total)
    {
        private int _done;
        private int _drawn = -1;

        public void Advance()
        {
            _done++;
            int percent = total == 0 ? 100 : _done * 100 / total;
            if (percent == _drawn) return;
            _drawn = percent;
            stderr.Write($"\r[{new string('#', percent / 5),-20}] {_done}/{total}");
        }

        public void Done()
        {
            if (_drawn >= 0) stderr.WriteLine();
        }
    }
}
