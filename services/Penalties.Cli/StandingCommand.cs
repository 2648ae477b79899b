using System.CommandLine;
using Penalties.Contracts;
using Penalties.Core.Common;
using Penalties.Core.PenaltyPoints;

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

/// <summary>`penalties standing`: a merchant's penalty-point standing, or a preview, in process or through PenaltyPoints.Assess.</summary>
internal static class StandingCommand
{
    public static Command Create(Cli cli)
    {
        var command = new Command("standing", "a merchant's penalty-point standing (or a preview of one more violation)");
        var file = Cli.FileArgument("the history as JSON ('-' or none: stdin)");
        var format = new Option<string>("--format") { Description = "json or text", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "text");
        command.Arguments.Add(file);
        command.Options.Add(format);
        command.SetAction((r, token) => cli.Guard(r, async () =>
        {
            var request = await cli.ReadJson<StandingRequest>(r.GetValue(file), "request");
            var server = cli.ServerUrl(r);
            Contracts.V1.AssessPenaltyResponse response;
            if (server is null)
            {
                var catalog = cli.Catalog(r);
                response = request.Preview is { } violation
                    ? Mapping.Preview(PenaltyPointsCalculator.Preview(catalog, request.RuleSet, request.History, violation, request.AsOf))
                    : new Contracts.V1.AssessPenaltyResponse { StandingAfter = Mapping.Standing(PenaltyPointsCalculator.Standing(catalog, request.RuleSet, request.History, request.AsOf)) };
            }
            else if (await OnServer(cli, server, request, token) is { } answer)
            {
                response = answer;
            }
            else
            {
                return 2;
            }
            await cli.Out.WriteLineAsync(r.GetValue(format) == "json" ? ProtoJson.Format(response)
                : request.Preview is null ? Text.Standing(response.StandingAfter) : Text.Preview(response));
            return 0;
        }));
        return command;
    }

    /// <summary>The same request through PenaltyPoints.Assess; null when the service refused it (its field violations are printed).</summary>
    private static async Task<Contracts.V1.AssessPenaltyResponse?> OnServer(Cli cli, string server, StandingRequest r, CancellationToken token)
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server);
        var request = new Contracts.V1.AssessPenaltyRequest
        {
            RuleSetId = r.RuleSet,
            AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(r.AsOf),
            Violation = r.Preview is null ? null : Mapping.Violation(r.Preview),
        };
        request.History.AddRange(r.History.Select(Mapping.Violation));
        try
        {
            return await new Contracts.V1.PenaltyPoints.PenaltyPointsClient(channel).AssessAsync(request, cancellationToken: token);
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.InvalidArgument)
        {
            var badRequest = Grpc.Core.RpcExceptionExtensions.GetRpcStatus(e)?.GetDetail<Google.Rpc.BadRequest>();
            foreach (var fv in badRequest?.FieldViolations ?? []) await cli.Err.WriteLineAsync($"invalid input: {fv.Field}: {fv.Description}");
            return null;
        }
    }
}
