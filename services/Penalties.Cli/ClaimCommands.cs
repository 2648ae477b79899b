using System.CommandLine;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts;
using Penalties.Contracts.V1;

namespace Penalties.Cli;

/// <summary>
/// `penalties claims file [FILE|-]`, `penalties claims get ID` and `penalties claims list`: a Claims service at --server
/// (default the all-in-one host on 127.0.0.1:5100); the request and the claims in proto3 JSON.
/// </summary>
internal static class ClaimCommands
{
    public const string DefaultServer = "http://127.0.0.1:5100";

    public static Command Create(Cli cli)
    {
        var claims = new Command("claims", $"file a claim with the Claims service and read it back (--server, default {DefaultServer})");
        var file = Cli.FileArgument("a FileClaimRequest in proto3 JSON (default: stdin)");
        var fileCommand = new Command("file", "file a claim: decided, recorded and published once, however often it is filed") { file };
        fileCommand.SetAction((r, _) => cli.Guard(r, () => Call(cli, r, async client =>
        {
            string? path = r.GetValue(file);
            string json;
            if (path is null or "-") json = await cli.In.ReadToEndAsync();
            else
            {
                using var reader = new StreamReader(Cli.OpenRead(path));
                json = await reader.ReadToEndAsync();
            }
            FileClaimRequest request;
            try
            {
                request = JsonParser.Default.Parse<FileClaimRequest>(json);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new CommandLine.InputException($"{path ?? "stdin"}: {e.Message}");
            }
            return await client.FileAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
        })));
        var id = new Argument<string>("ID") { Description = "the claim id" };
        var getCommand = new Command("get", "a filed claim as it stands") { id };
        getCommand.SetAction((r, _) => cli.Guard(r, () => Call(cli, r,
            async client => await client.GetAsync(new GetClaimRequest { ClaimId = r.GetValue(id) }, deadline: DateTime.UtcNow.AddSeconds(30)))));
        claims.Subcommands.Add(fileCommand);
        claims.Subcommands.Add(getCommand);
        claims.Subcommands.Add(ListCommand(cli));
        return claims;
    }

    /// <summary>`claims list`: a merchant's claims filed in a period, every page, one claim per line.</summary>
    private static Command ListCommand(Cli cli)
    {
        var merchant = new Option<string>("--merchant") { Description = "the merchant", HelpName = "ID", Required = true };
        var from = LedgerSource.From();
        var to = LedgerSource.To();
        var status = new Option<string?>("--status") { Description = "only claims in this status: pending, decided or refused", HelpName = "STATUS" };
        var list = new Command("list", "a merchant's claims filed in [--from, --to), by filing time, one claim per line (proto3 JSON)") { merchant, from, to, status };
        list.SetAction((r, _) => cli.Guard(r, async () =>
        {
            var (f, t) = LedgerSource.Period(r, from, to);
            var request = new ListClaimsRequest
            {
                MerchantId = r.GetValue(merchant)!,
                From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(f),
                To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(t),
                Status = r.GetValue(status) is not { } word ? ClaimStatus.Unspecified
                    : Mapping.ClaimStatusOf(word) ?? throw new CommandLine.InputException($"--status: '{word}' is not pending, decided or refused"),
                PageSize = 1000,
            };
            return await Call(cli, r, async client =>
            {
                do
                {
                    var page = await client.ListAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
                    foreach (var claim in page.Claims) await cli.Out.WriteLineAsync(ProtoJson.Format(claim));
                    request.PageToken = page.NextPageToken;
                }
                while (request.PageToken.Length > 0);
            });
        }));
        return list;
    }

    /// <summary>One call, its claim printed; refusals as one line per field (exit 2), a conflict or an unknown claim exit 3.</summary>
    private static Task<int> Call(Cli cli, ParseResult r, Func<Claims.ClaimsClient, Task<Claim>> call) =>
        Call(cli, r, async client => await cli.Out.WriteLineAsync(ProtoJson.Format(await call(client))));

    /// <summary>Calls the service; refusals as one line per field (exit 2), a conflict or an unknown claim exit 3.</summary>
    private static async Task<int> Call(Cli cli, ParseResult r, Func<Claims.ClaimsClient, Task> calls)
    {
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(cli.ServerUrl(r) ?? DefaultServer);
        try
        {
            await calls(new Claims.ClaimsClient(channel));
            return 0;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            foreach (var v in e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? []) await cli.Err.WriteLineAsync($"invalid input: {v.Field}: {v.Description}");
            return 2;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.AlreadyExists or StatusCode.FailedPrecondition)
        {
            await cli.Err.WriteLineAsync($"{e.StatusCode}: {e.Status.Detail}");
            return 3;
        }
    }
}
