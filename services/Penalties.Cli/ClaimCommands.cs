using System.CommandLine;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts.V1;

namespace Penalties.Cli;

/// <summary>
/// `penalties claims file [FILE|-]` and `penalties claims get ID`: a Claims service at --server (default the all-in-one
/// host on 127.0.0.1:5100); the request and the claim in proto3 JSON.
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
        return claims;
    }

    /// <summary>One call, its claim printed; refusals as one line per field (exit 2), a conflict or an unknown claim exit 3.</summary>
    private static async Task<int> Call(Cli cli, ParseResult r, Func<Claims.ClaimsClient, Task<Claim>> call)
    {
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(cli.ServerUrl(r) ?? DefaultServer);
        try
        {
            await cli.Out.WriteLineAsync(ProtoJson.Format(await call(new Claims.ClaimsClient(channel))));
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
