using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts.V1;

namespace Penalties.Cli;

/// <summary>
/// `penalties claims file [FILE|-] [--server URL]` and `penalties claims get ID [--server URL]`: a Claims service
/// (default the all-in-one host on 127.0.0.1:5100); the request and the claim in proto3 JSON.
/// </summary>
internal static class ClaimCommands
{
    public const string DefaultServer = "http://127.0.0.1:5100";

    public const string Usage = """
          penalties claims file [FILE|-] [--server URL]  file a claim (a FileClaimRequest in proto3 JSON) with a Claims
                               service (default the all-in-one host, http://127.0.0.1:5100); prints the claim
          penalties claims get ID [--server URL]   a filed claim as it stands
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> positional, string? server, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(server ?? DefaultServer);
        var client = new Claims.ClaimsClient(channel);
        try
        {
            Claim claim;
            switch (positional.Count > 1 ? positional[1] : "")
            {
                case "file":
                {
                    string json = positional.Count > 2 && positional[2] != "-" ? await File.ReadAllTextAsync(positional[2]) : await stdin.ReadToEndAsync();
                    claim = await client.FileAsync(JsonParser.Default.Parse<FileClaimRequest>(json), deadline: DateTime.UtcNow.AddSeconds(30));
                    break;
                }
                case "get" when positional.Count > 2:
                    claim = await client.GetAsync(new GetClaimRequest { ClaimId = positional[2] }, deadline: DateTime.UtcNow.AddSeconds(30));
                    break;
                default:
                    await stderr.WriteLineAsync("usage:" + Environment.NewLine + Usage);
                    return 2;
            }
            await stdout.WriteLineAsync(ProtoJson.Format(claim));
            return 0;
        }
        catch (InvalidProtocolBufferException e)
        {
            await stderr.WriteLineAsync($"invalid input: {e.Message}");
            return 2;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            foreach (var v in e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? []) await stderr.WriteLineAsync($"invalid input: {v.Field}: {v.Description}");
            return 2;
        }
        catch (RpcException e)
        {
            await stderr.WriteLineAsync($"{e.StatusCode}: {e.Status.Detail}");
            return e.StatusCode is StatusCode.NotFound or StatusCode.AlreadyExists or StatusCode.FailedPrecondition ? 3 : 1;
        }
    }
}
