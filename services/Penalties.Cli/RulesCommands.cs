using System.CommandLine;
using System.Text.Json;
using Grpc.Net.Client;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;
using RulePin = Penalties.Core.Rules.RulePin;

namespace Penalties.Cli;

/// <summary>`penalties rules list | validate | show | resolve | publish`: the rule data, local (--rules) or on a RuleSets service (--server).</summary>
internal static class RulesCommands
{
    public static Command Create(Cli cli)
    {
        var rules = new Command("rules", "the rule data: list, validate, show, resolve, publish");
        rules.Subcommands.Add(List(cli));
        rules.Subcommands.Add(Validate(cli));
        rules.Subcommands.Add(Show(cli));
        rules.Subcommands.Add(Resolve(cli));
        rules.Subcommands.Add(Publish(cli));
        return rules;
    }

    private static Command List(Cli cli)
    {
        var command = new Command("list", "rule sets and versions with their effective periods and content hashes (--rules DIR or --server URL)");
        command.SetAction((r, token) => cli.Guard(r, async () =>
        {
            if (cli.ServerUrl(r) is { } server)
            {
                using var channel = GrpcChannel.ForAddress(server);
                var list = await new RuleSets.RuleSetsClient(channel).ListRuleSetsAsync(new ListRuleSetsRequest(), cancellationToken: token);
                foreach (var v in list.Versions)
                    await cli.Out.WriteLineAsync(Line(v.Rule.RuleSetId, v.Rule.Version, v.Effective.From.ToDateTimeOffset(), v.Effective.To?.ToDateTimeOffset(), v.Rule.ContentHash, v.Title));
                return 0;
            }
            foreach (var v in cli.Catalog(r).All.OrderBy(v => v.RuleSetId, StringComparer.Ordinal).ThenBy(v => v.EffectiveFrom))
                await cli.Out.WriteLineAsync(Line(v.RuleSetId, v.Version, v.EffectiveFrom, v.EffectiveTo, v.ContentHash, v.Title));
            return 0;
        }));
        return command;
    }

    private static string Line(string id, int version, DateTimeOffset from, DateTimeOffset? to, string hash, string title) =>
        $"{id}\tv{version}\t{ChinaTime.Format(from)} → {(to is { } end ? ChinaTime.Format(end) : "open")}\t{hash}\t{title}";

    private static Command Validate(Cli cli)
    {
        var command = new Command("validate", "validate the rule data of --rules DIR; every problem is listed with its file and field");
        command.SetAction(r => cli.Guard(r, async () =>
        {
            var dir = cli.RulesDirectory(r);
            if (!Directory.Exists(dir)) throw new CommandLine.InputException($"--rules: folder '{dir}' does not exist");
            var loaded = RuleSetLoader.LoadDirectory(dir);
            foreach (var e in loaded.Errors) await cli.Err.WriteLineAsync(e.ToString());
            await cli.Out.WriteLineAsync(loaded.Ok ? $"{loaded.Versions.Count} rule-set versions in {dir}: valid" : $"{loaded.Errors.Count} problem(s) in {dir}");
            return loaded.Ok ? 0 : 2;
        }));
        return command;
    }

    private static Command Show(Cli cli)
    {
        var command = new Command("show", "one version: content hash, parameters and provenance");
        var id = new Argument<string>("ID") { Description = "the rule set id, e.g. tmall.late-shipment" };
        var version = new Argument<int>("VERSION") { Description = "the version number" };
        command.Arguments.Add(id);
        command.Arguments.Add(version);
        command.SetAction((r, token) => cli.Guard(r, async () =>
        {
            if (cli.ServerUrl(r) is { } server)
            {
                using var channel = GrpcChannel.ForAddress(server);
                var got = await new RuleSets.RuleSetsClient(channel).GetRuleSetVersionAsync(
                    new GetRuleSetVersionRequest { RuleSetId = r.GetValue(id), Version = r.GetValue(version) }, cancellationToken: token);
                await cli.Out.WriteLineAsync(ProtoJson.Format(got));
                return 0;
            }
            var v = cli.Catalog(r).Pinned(new RulePin(r.GetValue(id)!, r.GetValue(version)));
            await cli.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                v.RuleSetId, v.Version, v.Kind, v.Title, v.ContentHash, v.EffectiveFrom, v.EffectiveTo, v.SourceFile,
                Parameters = JsonDocument.Parse(v.ParametersJson).RootElement,
                v.Provenance,
            }, JsonSetup.Options));
            return 0;
        }));
        return command;
    }

    private static Command Resolve(Cli cli)
    {
        var command = new Command("resolve", "the version in force at INSTANT");
        var id = new Argument<string>("ID") { Description = "the rule set id" };
        var instant = new Argument<string>("INSTANT") { Description = "ISO 8601 with an offset, e.g. 2024-03-01T10:00:00+08:00" };
        command.Arguments.Add(id);
        command.Arguments.Add(instant);
        command.SetAction((r, token) => cli.Guard(r, async () =>
        {
            var at = Cli.Instant("rules resolve INSTANT", r.GetValue(instant)!);
            if (cli.ServerUrl(r) is { } server)
            {
                using var channel = GrpcChannel.ForAddress(server);
                try
                {
                    var resolved = await new RuleSets.RuleSetsClient(channel).ResolveRuleSetAsync(
                        new ResolveRuleSetRequest { RuleSetId = r.GetValue(id), At = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at) }, cancellationToken: token);
                    await cli.Out.WriteLineAsync(ProtoJson.Format(resolved));
                    return 0;
                }
                catch (Grpc.Core.RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.FailedPrecondition or Grpc.Core.StatusCode.NotFound)
                {
                    await cli.Err.WriteLineAsync($"no rule version applies ({e.StatusCode}): {e.Status.Detail}");
                    return 3;
                }
            }
            var v = cli.Catalog(r).InForceAt(r.GetValue(id)!, at);
            await cli.Out.WriteLineAsync(JsonSerializer.Serialize(new { v.RuleSetId, v.Version, v.ContentHash, v.EffectiveFrom, v.EffectiveTo, v.Title, v.SourceFile, v.Provenance }, JsonSetup.Options));
            return 0;
        }));
        return command;
    }

    private static Command Publish(Cli cli)
    {
        var command = new Command("publish",
            "publish every *.json below DIR (default the --rules folder) to a RuleSets service that keeps its rules in Redis; prints published/unchanged per version. " +
            "The admin token is read from --token-file FILE or $PENALTIES_ADMIN_TOKEN, never from the command line (other users of the machine can read it there). " +
            "A version that would end an already published one before now is refused without --allow-backdated.");
        var dir = new Argument<string?>("DIR") { Description = "the folder of rule files", Arity = ArgumentArity.ZeroOrOne };
        var tokenFile = new Option<string?>("--token-file") { Description = "a file holding the admin token", HelpName = "FILE" };
        var allowBackdated = new Option<bool>("--allow-backdated") { Description = "publish a version that changes which version applied to past events" };
        command.Arguments.Add(dir);
        command.Options.Add(tokenFile);
        command.Options.Add(allowBackdated);
        command.SetAction(r => cli.Guard(r, () =>
            RulePublishing.RunAsync(r.GetValue(dir) ?? cli.RulesDirectory(r), cli.ServerUrl(r), r.GetValue(tokenFile), r.GetValue(allowBackdated), cli.Out, cli.Err)));
        return command;
    }
}
