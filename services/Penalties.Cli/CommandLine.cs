using Penalties.Contracts;
using System.Text.Json;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PenaltyPoints;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;

namespace Penalties.Cli;

/// <summary>A penalty-points request on the command line: the merchant's history, the rule set, and the instant to judge at.</summary>
internal sealed record StandingRequest
{
    public required string RuleSet { get; init; }
    public required DateTimeOffset AsOf { get; init; }
    public required IReadOnlyList<Violation> History { get; init; }
    /// <summary>When given, the answer is a preview of what this violation would cost (nothing is recorded).</summary>
    public Violation? Preview { get; init; }
}

/// <summary>
/// The `penalties` command: evaluates one case from a JSON file or stdin in-process, against the rule
/// data in rules/ (or --rules DIR), and prints the decision as JSON or as a readable explanation.
/// </summary>
internal static class CommandLine
{
    public const string Usage = $$"""
        penalties — decide late-shipment compensation, JD price-match payouts and merchant penalty points.

        Usage:
          penalties late-shipment [FILE|-] [options]   assess a late-shipment / out-of-stock claim
          penalties price-match   [FILE|-] [options]   assess a JD 买贵双倍赔 claim
          penalties standing      [FILE|-] [options]   a merchant's penalty-point standing (or a preview), also with --server
          penalties rules list    [--rules DIR | --server URL]  list rule sets and versions with content hashes
          penalties rules validate [--rules DIR]       validate rule data; every problem is listed
          penalties rules show ID VERSION [--rules DIR | --server URL]  one version: hash, parameters, provenance
          penalties rules resolve ID INSTANT [--rules DIR | --server URL]  the version in force at INSTANT
          penalties rules publish [DIR] --server URL [--token-file FILE] [--allow-backdated]  publish every *.json
                               below DIR (default the --rules folder) to a RuleSets service that keeps its rules
                               in Redis; the admin token is read from FILE or $PENALTIES_ADMIN_TOKEN, never from
                               the command line (other users of the machine can read it there); prints published/unchanged
                               per version; a version that would end an already published one before now (and
                               so change which version applied to past events) is refused without --allow-backdated
        {{ClaimCommands.Usage}}

        Options:
          --rules DIR          rule data folder (default: the rules/ shipped beside the program)
          --pin ID@VERSION[#sha256:HASH]  use this version instead of the one in force
          --format json|text   output format (default json: the contract's decision message in proto3 JSON)
          --server URL         send the work to a running service (e.g. http://127.0.0.1:5100) instead of
                               evaluating in-process; batches go over one AssessStream call
          --batch FILE|-       late-shipment / price-match: one case per line (JSONL); writes one JSONL
                               result per case ({"line":N,"decision":…} or {"line":N,"error":…}), with a
                               progress bar on stderr
          --view full|basic    late-shipment / price-match: basic leaves out the explanation steps (the same
                               numbers, reason codes and rule reference; much smaller and faster for batches)
          --out FILE           where batch results go (default stdout)
          --csv                batch input and output are CSV (also chosen by a .csv input file or --out
                               file): a header row naming the columns; late shipment one row per order
                               line (rows with the same order_id form an order); price match one row per
                               claim, attributes "k=v;k=v", payments "Cash:5899.00;JdBeans:10000"
          -h, --help           this text

        A case is read from FILE, or from stdin when FILE is '-' or absent. Exit codes: 0 decided,
        2 invalid input (each problem is printed with its line and field), 3 no rule version applies,
        1 other errors (e.g. the server cannot be reached).
        """;

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var positional = new List<string>();
        string? rulesDir = null, pinText = null, format = "json", server = null, batch = null, outFile = null, tokenFile = null, view = "full";
        bool csv = false;
        bool allowBackdated = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    await stdout.WriteLineAsync(Usage);
                    return 0;
                case "--rules" when i + 1 < args.Length:
                    rulesDir = args[++i];
                    break;
                case "--pin" when i + 1 < args.Length:
                    pinText = args[++i];
                    break;
                case "--format" when i + 1 < args.Length:
                    format = args[++i];
                    break;
                case "--server" when i + 1 < args.Length:
                    server = args[++i];
                    break;
                case "--token-file" when i + 1 < args.Length:
                    tokenFile = args[++i];
                    break;
                case "--token":
                    await stderr.WriteLineAsync("--token is not accepted: a command line is visible to other users; set PENALTIES_ADMIN_TOKEN or use --token-file FILE");
                    return 2;
                case "--batch" when i + 1 < args.Length:
                    batch = args[++i];
                    break;
                case "--out" when i + 1 < args.Length:
                    outFile = args[++i];
                    break;
                case "--csv":
                    csv = true;
                    break;
                case "--view" when i + 1 < args.Length:
                    view = args[++i];
                    break;
                case "--allow-backdated":
                    allowBackdated = true;
                    break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        await stderr.WriteLineAsync($"unknown or incomplete option '{args[i]}'; see --help");
                        return 2;
                    }
                    positional.Add(args[i]);
                    break;
            }
        }
        if (positional.Count == 0)
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }
        if (format is not ("json" or "text"))
        {
            await stderr.WriteLineAsync($"--format must be json or text (got '{format}')");
            return 2;
        }
        if (view is not ("full" or "basic"))
        {
            await stderr.WriteLineAsync($"--view must be full or basic (got '{view}')");
            return 2;
        }

        if (positional[0] == "claims") return await ClaimCommands.RunAsync(positional, server, stdin, stdout, stderr);
        rulesDir ??= Path.Combine(AppContext.BaseDirectory, "rules");
        if (positional[0] == "rules" && positional.Count > 1 && positional[1] == "publish")
            return await RulePublishing.RunAsync(positional.Count > 2 ? positional[2] : rulesDir, server, tokenFile, allowBackdated, stdout, stderr);
        var loaded = RuleSetLoader.LoadDirectory(rulesDir);
        if (positional[0] == "rules" && positional.Count > 1 && positional[1] == "validate")
        {
            foreach (var e in loaded.Errors) await stderr.WriteLineAsync(e.ToString());
            await stdout.WriteLineAsync(loaded.Ok
                ? $"{loaded.Versions.Count} rule-set versions in {rulesDir}: valid"
                : $"{loaded.Errors.Count} problem(s) in {rulesDir}");
            return loaded.Ok ? 0 : 2;
        }
        if (!loaded.Ok)
        {
            foreach (var e in loaded.Errors) await stderr.WriteLineAsync(e.ToString());
            return 2;
        }
        var catalog = loaded.ToCatalog();

        try
        {
            RulePin? pin = pinText is null ? null : ParsePin(pinText);
            string? input = positional.Count > 1 && positional[0] != "rules" ? positional[1] : null;
            switch (positional[0])
            {
                case "late-shipment" or "price-match":
                {
                    using var assessor = server is null ? Assessor.InProcess(catalog, explain: view == "full") : Assessor.Server(server, explain: view == "full");
                    bool late = positional[0] == "late-shipment";
                    if (batch is not null)
                        return await BatchRun.RunAsync(late, batch, outFile, csv, assessor, pin, stdin, stdout, stderr);
                    object c = late ? await ReadCase<LateShipmentCase>(input, stdin) : await ReadCase<PriceMatchCase>(input, stdin);
                    var result = await assessor.AssessAsync(1, c, pin, CancellationToken.None);
                    if (result.Error is { } error)
                    {
                        foreach (var v in error.FieldViolations) await stderr.WriteLineAsync($"invalid input: {v.Field}: {v.Description}");
                        if (error.FieldViolations.Count == 0) await stderr.WriteLineAsync($"{(global::Grpc.Core.StatusCode)error.Code}: {error.Message}");
                        return error.Code == (int)global::Grpc.Core.StatusCode.InvalidArgument ? 2 : 3;
                    }
                    await stdout.WriteLineAsync(format == "json" ? ProtoJson.Format(result.Decision!) : ProtoText.Decision(result.Decision!));
                    return 0;
                }
                case "standing":
                {
                    var r = await ReadCase<StandingRequest>(input, stdin);
                    if (server is not null)
                    {
                        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(server);
                        var request = new Contracts.V1.AssessPenaltyRequest
                        {
                            RuleSetId = r.RuleSet,
                            AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(r.AsOf),
                            Violation = r.Preview is null ? null : Mapping.Violation(r.Preview),
                        };
                        request.History.AddRange(r.History.Select(Mapping.Violation));
                        try
                        {
                            var response = await new Contracts.V1.PenaltyPoints.PenaltyPointsClient(channel).AssessAsync(request);
                            await stdout.WriteLineAsync(format == "json" ? ProtoJson.Format(response)
                                : string.Join(Environment.NewLine, response.StandingAfter.Deductions.Select(d => $"  {d.CaseId}: {d.Explanation}")));
                            return 0;
                        }
                        catch (global::Grpc.Core.RpcException e) when (e.StatusCode == global::Grpc.Core.StatusCode.InvalidArgument)
                        {
                            var badRequest = global::Grpc.Core.RpcExceptionExtensions.GetRpcStatus(e)?.GetDetail<Google.Rpc.BadRequest>();
                            foreach (var fv in badRequest?.FieldViolations ?? []) await stderr.WriteLineAsync($"invalid input: {fv.Field}: {fv.Description}");
                            return 2;
                        }
                    }
                    if (r.Preview is { } violation)
                    {
                        var preview = PenaltyPointsCalculator.Preview(catalog, r.RuleSet, r.History, violation, r.AsOf);
                        await Write(stdout, format, preview, Text.Preview(preview));
                    }
                    else
                    {
                        var s = PenaltyPointsCalculator.Standing(catalog, r.RuleSet, r.History, r.AsOf);
                        await Write(stdout, format, s, Text.Standing(s));
                    }
                    return 0;
                }
                case "rules" when positional.Count > 1 && positional[1] == "list" && server is not null:
                {
                    using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(server);
                    var list = await new Contracts.V1.RuleSets.RuleSetsClient(channel).ListRuleSetsAsync(new Contracts.V1.ListRuleSetsRequest());
                    foreach (var v in list.Versions)
                    {
                        var to = v.Effective.To is null ? "open" : ChinaTime.Format(v.Effective.To.ToDateTimeOffset());
                        await stdout.WriteLineAsync($"{v.Rule.RuleSetId}\tv{v.Rule.Version}\t{ChinaTime.Format(v.Effective.From.ToDateTimeOffset())} → {to}\t{v.Rule.ContentHash}\t{v.Title}");
                    }
                    return 0;
                }
                case "rules" when positional.Count > 3 && positional[1] == "resolve" && server is not null:
                {
                    using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(server);
                    var at = DateTimeOffset.Parse(positional[3], System.Globalization.CultureInfo.InvariantCulture);
                    try
                    {
                        var resolved = await new Contracts.V1.RuleSets.RuleSetsClient(channel).ResolveRuleSetAsync(new Contracts.V1.ResolveRuleSetRequest
                        {
                            RuleSetId = positional[2],
                            At = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at),
                        });
                        await stdout.WriteLineAsync(ProtoJson.Format(resolved));
                        return 0;
                    }
                    catch (global::Grpc.Core.RpcException e) when (e.StatusCode is global::Grpc.Core.StatusCode.FailedPrecondition or global::Grpc.Core.StatusCode.NotFound)
                    {
                        await stderr.WriteLineAsync($"no rule version applies ({e.StatusCode}): {e.Status.Detail}");
                        return 3;
                    }
                }
                case "rules" when positional.Count > 1 && positional[1] == "list":
                    foreach (var v in catalog.All.OrderBy(v => v.RuleSetId, StringComparer.Ordinal).ThenBy(v => v.EffectiveFrom))
                        await stdout.WriteLineAsync($"{v.RuleSetId}\tv{v.Version}\t{ChinaTime.Format(v.EffectiveFrom)} → {(v.EffectiveTo is { } to ? ChinaTime.Format(to) : "open")}\t{v.ContentHash}\t{v.Title}");
                    return 0;
                case "rules" when positional.Count > 3 && positional[1] == "show":
                {
                    if (!int.TryParse(positional[3], out var number)) throw new InputException($"rules show ID VERSION: '{positional[3]}' is not a version number");
                    if (server is not null)
                    {
                        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(server);
                        var got = await new Contracts.V1.RuleSets.RuleSetsClient(channel).GetRuleSetVersionAsync(
                            new Contracts.V1.GetRuleSetVersionRequest { RuleSetId = positional[2], Version = number });
                        await stdout.WriteLineAsync(ProtoJson.Format(got));
                        return 0;
                    }
                    var v = catalog.Pinned(new RulePin(positional[2], number));
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        v.RuleSetId, v.Version, v.Kind, v.Title, v.ContentHash, v.EffectiveFrom, v.EffectiveTo, v.SourceFile,
                        Parameters = JsonDocument.Parse(v.ParametersJson).RootElement,
                        v.Provenance,
                    }, JsonSetup.Options));
                    return 0;
                }
                case "rules" when positional.Count > 3 && positional[1] == "resolve":
                {
                    var at = DateTimeOffset.Parse(positional[3], System.Globalization.CultureInfo.InvariantCulture);
                    var v = catalog.InForceAt(positional[2], at);
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(new { v.RuleSetId, v.Version, v.ContentHash, v.EffectiveFrom, v.EffectiveTo, v.Title, v.SourceFile, v.Provenance }, JsonSetup.Options));
                    return 0;
                }
                default:
                    await stderr.WriteLineAsync($"unknown command '{string.Join(' ', positional)}'; see --help");
                    return 2;
            }
        }
        catch (InvalidCaseException e)
        {
            foreach (var v in e.Violations) await stderr.WriteLineAsync($"invalid input: {v.Field}: {v.Description}");
            return 2;
        }
        catch (InputException e)
        {
            await stderr.WriteLineAsync($"invalid input: {e.Message}");
            return 2;
        }
        catch (RuleResolutionException e)
        {
            await stderr.WriteLineAsync($"no rule version applies ({e.Error}): {e.Message}");
            return 3;
        }
        catch (global::Grpc.Core.RpcException e)
        {
            await stderr.WriteLineAsync($"the server at {server} answered {e.StatusCode}: {e.Status.Detail}");
            return 1;
        }
    }

    internal sealed class InputException(string message) : Exception(message);

    private static RulePin ParsePin(string text)
    {
        var hashAt = text.IndexOf('#', StringComparison.Ordinal);
        var hash = hashAt >= 0 ? text[(hashAt + 1)..] : null;
        var idVersion = hashAt >= 0 ? text[..hashAt] : text;
        var at = idVersion.LastIndexOf('@');
        if (at <= 0 || !int.TryParse(idVersion[(at + 1)..], out var version))
            throw new InputException($"--pin must look like ID@VERSION or ID@VERSION#sha256:HASH (got '{text}')");
        return new RulePin(idVersion[..at], version, hash);
    }

    internal static async Task<T> ReadCase<T>(string? file, TextReader stdin)
    {
        string name = file is null or "-" ? "stdin" : file;
        string json;
        try
        {
            json = file is null or "-" ? await stdin.ReadToEndAsync() : await File.ReadAllTextAsync(file);
        }
        catch (IOException e)
        {
            throw new InputException($"{name}: {e.Message}");
        }
        try
        {
            return JsonSerializer.Deserialize<T>(json, JsonSetup.Options) ?? throw new InputException($"{name}: empty input");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}" : "input";
            throw new InputException($"{name}: {where}, field {e.Path ?? "$"}: {e.Message}");
        }
    }

    private static Task Write<T>(TextWriter stdout, string format, T value, string text) =>
        stdout.WriteLineAsync(format == "json" ? JsonSerializer.Serialize(value, JsonSetup.Options) : text);
}
