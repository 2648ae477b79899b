using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.Rules.Loading;

namespace Penalties.Cli;

/// <summary>`penalties rules publish DIR --server URL [--token-file FILE] [--allow-backdated]`: every rule file below DIR in one Publish call.</summary>
internal static class RulePublishing
{
    public static async Task<int> RunAsync(string directory, string? server, string? tokenFile, bool allowBackdated, TextWriter stdout, TextWriter stderr)
    {
        if (server is null)
        {
            await stderr.WriteLineAsync("rules publish needs --server URL (a RuleSets service whose rules come from Redis)");
            return 2;
        }
        if (!Directory.Exists(directory))
        {
            await stderr.WriteLineAsync($"rules publish: folder '{directory}' does not exist");
            return 2;
        }
        string? token;
        try
        {
            token = tokenFile is null ? Environment.GetEnvironmentVariable("PENALTIES_ADMIN_TOKEN") : (await File.ReadAllTextAsync(tokenFile)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"rules publish: cannot read the token file '{tokenFile}' ({e.GetType().Name})");
            return 2;
        }
        var request = new PublishRuleSetsRequest { AllowBackdated = allowBackdated };
        foreach (var (file, json) in RuleSetLoader.ReadDocuments(directory)) request.Documents.Add(new RuleDocument { Name = file, Json = json });
        if (request.Documents.Count == 0)
        {
            await stderr.WriteLineAsync($"rules publish: no rule files (*.json) below '{directory}'");
            return 2;
        }
        var headers = new Metadata();
        if (!string.IsNullOrEmpty(token)) headers.Add("authorization", "Bearer " + token);
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(server);
        try
        {
            var response = await new RuleSets.RuleSetsClient(channel).PublishAsync(request, headers);
            foreach (var v in response.Versions)
            {
                var outcome = v.Outcome == PublishOutcome.Published ? "published" : "unchanged";
                var to = v.Summary.Effective.To is null ? "open" : ChinaTime.Format(v.Summary.Effective.To.ToDateTimeOffset());
                await stdout.WriteLineAsync($"{outcome}\t{v.Summary.Rule.RuleSetId}\tv{v.Summary.Rule.Version}\t{ChinaTime.Format(v.Summary.Effective.From.ToDateTimeOffset())} → {to}\t{v.Summary.Rule.ContentHash}\t{v.Document}");
            }
            await stdout.WriteLineAsync($"revision {response.Revision}");
            return 0;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition
            && e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason == CallerErrors.BackdatedPublish)
        {
            await stderr.WriteLineAsync($"refused: {e.Status.Detail}");
            await stderr.WriteLineAsync("nothing was published; run again with --allow-backdated to publish it on purpose");
            return 2;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.AlreadyExists)
        {
            var badRequest = e.GetRpcStatus()?.GetDetail<BadRequest>();
            if (badRequest is null) await stderr.WriteLineAsync($"refused ({e.StatusCode}): {e.Status.Detail}");
            else foreach (var v in badRequest.FieldViolations) await stderr.WriteLineAsync($"{v.Field}: {v.Description}");
            await stderr.WriteLineAsync("nothing was published");
            return 2;
        }
        catch (RpcException e)
        {
            await stderr.WriteLineAsync($"publish failed ({e.StatusCode}): {e.Status.Detail}");
            return 1;
        }
    }
}
