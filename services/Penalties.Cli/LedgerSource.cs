using System.CommandLine;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using Penalties.Contracts;
using Penalties.Finance;
using C = Penalties.Contracts.V1;

namespace Penalties.Cli;

/// <summary>Which recorded decisions to read: both ledgers, or one.</summary>
internal enum LedgerKind
{
    All,
    LateShipment,
    PriceMatch,
}

/// <summary>
/// What the finance commands share: the period and shard options, and the recorded decisions of a period read page by
/// page from the services (ExportRecorded) or line by line from a ledger JSONL file, so memory stays bounded.
/// </summary>
internal static class LedgerSource
{
    public static Option<string> From() => new("--from") { Description = "start of the period, inclusive (an instant with its offset, e.g. 2024-03-01T00:00:00+08:00)", HelpName = "INSTANT", Required = true };

    public static Option<string> To() => new("--to") { Description = "end of the period, exclusive (an instant with its offset)", HelpName = "INSTANT", Required = true };

    public static Option<string?> Shard() => new("--shard") { Description = "this worker's share of the merchants, i/N (0 <= i < N <= 64), as ExportRecorded shards them", HelpName = "i/N" };

    public static Option<string[]> Ledger() => new("--ledger")
    {
        Description = "the recorded decisions: a service URL (ExportRecorded of LateShipment and PriceMatch) or a ledger JSONL file (ledger export); may be given more than once",
        HelpName = "URL|FILE", Required = true,
    };

    /// <summary>The period [from, to) of the options; a bad instant or an empty period is a user error.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Period(ParseResult r, Option<string> from, Option<string> to)
    {
        var (f, t) = (Cli.Instant("--from", r.GetValue(from)!), Cli.Instant("--to", r.GetValue(to)!));
        return f < t ? (f, t) : throw new CommandLine.InputException($"--to: must be after --from ({r.GetValue(to)} is not after {r.GetValue(from)})");
    }

    /// <summary>"i/N" as (i, N); none is the whole (0, 1).</summary>
    public static (int Index, int Count) ParseShard(string? text)
    {
        if (text is null) return (0, 1);
        var parts = text.Split('/');
        return parts.Length == 2 && int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int n) && n is >= 1 and <= LedgerShards.Buckets && i >= 0 && i < n
            ? (i, n)
            : throw new CommandLine.InputException($"--shard: '{text}' is not i/N with 0 <= i < N <= {LedgerShards.Buckets}");
    }

    public static string MerchantOf(C.LedgerRecord r) => r.LateShipment?.MerchantId ?? r.PriceMatch?.MerchantId ?? "";

    public static DateTimeOffset EventAtOf(C.LedgerRecord r) => (r.LateShipment?.EventAt ?? r.PriceMatch?.EventAt)?.ToDateTimeOffset() ?? DateTimeOffset.MinValue;

    /// <summary>Whether <paramref name="ledger"/> names a service rather than a file.</summary>
    public static bool IsUrl(string ledger) => ledger.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || ledger.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The records of every source whose event is in the period and whose merchant is in the shard, through
    /// <paramref name="map"/>. A file may hold more (another period, every merchant): it is filtered as the services
    /// filter, its lines parsed and mapped on every core (so <paramref name="map"/> must be thread-safe), in file order.
    /// </summary>
    /// <remarks>The map is also told where the record came from: its file and line, or the service's URL and line 0.</remarks>
    public static async IAsyncEnumerable<T> Read<T>(Cli cli, IEnumerable<string> sources, DateTimeOffset from, DateTimeOffset to, (int Index, int Count) shard,
        Func<C.LedgerRecord, (string Source, long Line), T> map, [EnumeratorCancellation] CancellationToken token) where T : class
    {
        bool Wanted(C.LedgerRecord record)
        {
            var at = EventAtOf(record);
            return at >= from && at < to && LedgerShards.InShard(LedgerShards.Bucket(MerchantOf(record)), shard.Index, shard.Count);
        }

        foreach (var source in sources)
        {
            if (IsUrl(source))
            {
                await foreach (var record in Export(cli, source, LedgerKind.All, from, to, shard, token)) yield return map(record, (source, 0));
                continue;
            }
            using var reader = new StreamReader(Cli.OpenRead(source));
            foreach (var value in LedgerFiles.ReadJsonl(reader, source, (r, line) => Wanted(r) ? map(r, (source, line)) : null))
            {
                token.ThrowIfCancellationRequested();
                yield return value;
            }
        }
    }

    /// <summary>
    /// ExportRecorded of the service at <paramref name="url"/>, page after page. With <see cref="LedgerKind.All"/> a
    /// service that is not there (UNIMPLEMENTED: e.g. a LateShipment-only host) is skipped with a note on stderr.
    /// </summary>
    public static async IAsyncEnumerable<C.LedgerRecord> Export(Cli cli, string url, LedgerKind kind, DateTimeOffset from, DateTimeOffset to, (int Index, int Count) shard,
        [EnumeratorCancellation] CancellationToken token)
    {
        using var channel = GrpcChannel.ForAddress(url);
        C.ExportRecordedRequest Request(string pageToken) => new()
        {
            From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(from), To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(to),
            ShardIndex = shard.Index, ShardCount = shard.Count, PageSize = 1000, PageToken = pageToken,
        };
        if (kind is LedgerKind.All or LedgerKind.LateShipment)
        {
            var client = new C.LateShipment.LateShipmentClient(channel);
            await foreach (var r in Pages(cli, url, kind, "LateShipment", async t => await client.ExportRecordedAsync(Request(t), cancellationToken: token), p => (p.Records, p.NextPageToken)))
                yield return new C.LedgerRecord { LateShipment = r };
        }
        if (kind is LedgerKind.All or LedgerKind.PriceMatch)
        {
            var client = new C.PriceMatch.PriceMatchClient(channel);
            await foreach (var r in Pages(cli, url, kind, "PriceMatch", async t => await client.ExportRecordedAsync(Request(t), cancellationToken: token), p => (p.Records, p.NextPageToken)))
                yield return new C.LedgerRecord { PriceMatch = r };
        }
    }

    /// <summary>One merchant's records of the period: ListRecorded of the service at <paramref name="url"/>, page after page.</summary>
    public static async IAsyncEnumerable<C.LedgerRecord> List(Cli cli, string url, LedgerKind kind, string merchant, DateTimeOffset from, DateTimeOffset to,
        [EnumeratorCancellation] CancellationToken token)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var (f, t) = (Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(from), Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(to));
        if (kind is LedgerKind.All or LedgerKind.LateShipment)
        {
            var client = new C.LateShipment.LateShipmentClient(channel);
            await foreach (var r in Pages(cli, url, kind, "LateShipment", async page => await client.ListRecordedAsync(
                new C.ListRecordedLateShipmentsRequest { MerchantId = merchant, From = f, To = t, PageSize = 1000, PageToken = page }, cancellationToken: token), p => (p.Records, p.NextPageToken)))
                yield return new C.LedgerRecord { LateShipment = r };
        }
        if (kind is LedgerKind.All or LedgerKind.PriceMatch)
        {
            var client = new C.PriceMatch.PriceMatchClient(channel);
            await foreach (var r in Pages(cli, url, kind, "PriceMatch", async page => await client.ListRecordedAsync(
                new C.ListRecordedPriceMatchesRequest { MerchantId = merchant, From = f, To = t, PageSize = 1000, PageToken = page }, cancellationToken: token), p => (p.Records, p.NextPageToken)))
                yield return new C.LedgerRecord { PriceMatch = r };
        }
    }

    private static async IAsyncEnumerable<TRecord> Pages<TPage, TRecord>(Cli cli, string url, LedgerKind kind, string service, Func<string, Task<TPage>> call,
        Func<TPage, (IEnumerable<TRecord> Records, string Next)> read)
    {
        string pageToken = "";
        do
        {
            TPage page;
            try
            {
                page = await call(pageToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented && kind == LedgerKind.All && pageToken.Length == 0)
            {
                await cli.Err.WriteLineAsync($"note: {url} serves no {service}: its ledger is not read from there");
                yield break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                throw new CommandLine.InputException($"{url} refused the request ({service}): {e.Status.Detail}");
            }
            catch (RpcException e)
            {
                // Name the address: --ledger may give several, and --server none.
                throw new RpcException(new Status(e.StatusCode, $"{url} ({service}): {e.Status.Detail}"));
            }
            var (records, next) = read(page);
            foreach (var record in records) yield return record;
            pageToken = next;
        } while (pageToken.Length > 0);
    }
}
