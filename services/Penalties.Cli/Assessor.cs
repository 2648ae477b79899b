using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.Rules;
using RulePin = Penalties.Core.Rules.RulePin;
using CoreAfter = Penalties.Core.AfterSales;
using CoreLate = Penalties.Core.LateShipment;
using CorePrice = Penalties.Core.PriceMatch;

namespace Penalties.Cli;

/// <summary>The answer to one case: the contract's decision message, or the item's error.</summary>
internal sealed record ItemResult(int Line, IMessage? Decision, ItemError? Error);

/// <summary>
/// Evaluates cases in-process (the core, on local rule files) or on a running service (--server URL),
/// giving the same contract messages either way, so the two modes can be compared byte for byte.
/// </summary>
internal abstract class Assessor : IDisposable
{
    public abstract Task<ItemResult> AssessAsync(int line, object c, RulePin? pin, CancellationToken token);

    /// <summary>
    /// Assesses a batch as it is read, answering each item in order (an item that is already an error passes through);
    /// on a server this is one AssessStream call.
    /// </summary>
    public abstract IAsyncEnumerable<(BatchItem Item, ItemResult Result)> AssessManyAsync(IAsyncEnumerable<BatchItem> items, RulePin? pin, CancellationToken token);

    private static ItemResult Refused(BatchItem item) => new(item.Line, null, item.Error);

    public virtual void Dispose()
    {
    }

    /// <summary>Decisions with their explanation steps (the full view), or without them (the basic view).</summary>
    public static Assessor InProcess(RuleCatalog catalog, bool explain = true) => new InProcessAssessor(catalog, explain);

    public static Assessor Server(string url, bool explain = true) => new ServerAssessor(url, explain);

    private static DecisionView View(bool explain) => explain ? DecisionView.Unspecified : DecisionView.Basic;

    private sealed class InProcessAssessor(RuleCatalog catalog, bool explain) : Assessor
    {
        public override Task<ItemResult> AssessAsync(int line, object c, RulePin? pin, CancellationToken token) => Task.FromResult(Assess(line, c, pin));

        public override async IAsyncEnumerable<(BatchItem Item, ItemResult Result)> AssessManyAsync(IAsyncEnumerable<BatchItem> items, RulePin? pin, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
        {
            await foreach (var item in items.WithCancellation(token))
                yield return (item, item.Case is null ? Refused(item) : Assess(item.Line, item.Case, pin));
        }

        private ItemResult Assess(int line, object c, RulePin? pin)
        {
            try
            {
                IMessage decision = c switch
                {
                    CoreLate.LateShipmentCase late => Mapping.Decision(CoreLate.LateShipmentCalculator.Assess(catalog, late, pin), explain),
                    CorePrice.PriceMatchCase price => Mapping.Decision(CorePrice.PriceMatchCalculator.Assess(catalog, price, pin), explain),
                    CoreAfter.AfterSalesCase after => Mapping.Decision(CoreAfter.AfterSalesCalculator.Assess(catalog, after, pin), explain),
                    _ => throw new ArgumentException("unsupported case type", nameof(c)),
                };
                return new ItemResult(line, decision, null);
            }
            catch (Exception e) when (CallerErrors.IsCallerError(e))
            {
                // As the service puts them: the case's fields under "case.", the item's under "request.".
                var error = e is Penalties.Core.Common.InvalidCaseException invalid ? Mapping.InCase(invalid) : e;
                return new ItemResult(line, null, CallerErrors.ToItemError(CallerErrors.ToStatus(error, "request")!));
            }
        }
    }

    private sealed class ServerAssessor : Assessor
    {
        private readonly GrpcChannel _channel;
        private readonly DecisionView _view;

        public ServerAssessor(string url, bool explain)
        {
            _channel = GrpcChannel.ForAddress(url);
            _view = View(explain);
        }

        public override void Dispose()
        {
            _channel.Dispose();
            base.Dispose();
        }

        public override async Task<ItemResult> AssessAsync(int line, object c, RulePin? pin, CancellationToken token)
        {
            try
            {
                return c switch
                {
                    CoreLate.LateShipmentCase late => new ItemResult(line, (await new LateShipment.LateShipmentClient(_channel)
                        .AssessAsync(new AssessLateShipmentRequest { Case = Mapping.Case(late), Pin = Pin(pin), View = _view }, cancellationToken: token)).Decision, null),
                    CorePrice.PriceMatchCase price => new ItemResult(line, (await new PriceMatch.PriceMatchClient(_channel)
                        .AssessAsync(new AssessPriceMatchRequest { Case = Mapping.Case(price), Pin = Pin(pin), View = _view }, cancellationToken: token)).Decision, null),
                    CoreAfter.AfterSalesCase after => new ItemResult(line, (await new AfterSales.AfterSalesClient(_channel)
                        .AssessAsync(new AssessAfterSalesRequest { Case = Mapping.Case(after), Pin = Pin(pin), View = _view }, cancellationToken: token)).Decision, null),
                    _ => throw new ArgumentException("unsupported case type", nameof(c)),
                };
            }
            catch (RpcException e) when (e.StatusCode is not (StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled))
            {
                var status = e.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)e.StatusCode, Message = e.Status.Detail };
                return new ItemResult(line, null, CallerErrors.ToItemError(status, "request."));
            }
        }

        /// <summary>Most cases sent and not yet answered: the writer waits for answers beyond it, so memory stays bounded.</summary>
        private const int Window = 512;

        public override async IAsyncEnumerable<(BatchItem Item, ItemResult Result)> AssessManyAsync(IAsyncEnumerable<BatchItem> items, RulePin? pin,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
        {
            // The first item tells the kind of the batch; the stream is opened only when there is a case to send.
            await using var e = items.GetAsyncEnumerator(token);
            var first = new List<BatchItem>();
            while (await e.MoveNextAsync())
            {
                first.Add(e.Current);
                if (e.Current.Case is not null) break;
            }
            var kind = first.Count > 0 ? first[^1].Case : null;
            if (kind is null)
            {
                foreach (var item in first) yield return (item, Refused(item));
                yield break;
            }
            var rest = Concat(first, e, token);
            var results = kind switch
            {
                CoreLate.LateShipmentCase => Stream(new LateShipment.LateShipmentClient(_channel).AssessStream(cancellationToken: token), rest,
                    (id, c) => new AssessLateShipmentStreamRequest { CorrelationId = id, Request = new AssessLateShipmentRequest { Case = Mapping.Case((CoreLate.LateShipmentCase)c), Pin = Pin(pin), View = _view } },
                    r => (r.CorrelationId, (IMessage?)r.Decision, r.Error), token),
                CorePrice.PriceMatchCase => Stream(new PriceMatch.PriceMatchClient(_channel).AssessStream(cancellationToken: token), rest,
                    (id, c) => new AssessPriceMatchStreamRequest { CorrelationId = id, Request = new AssessPriceMatchRequest { Case = Mapping.Case((CorePrice.PriceMatchCase)c), Pin = Pin(pin), View = _view } },
                    r => (r.CorrelationId, (IMessage?)r.Decision, r.Error), token),
                _ => Stream(new AfterSales.AfterSalesClient(_channel).AssessStream(cancellationToken: token), rest,
                    (id, c) => new AssessAfterSalesStreamRequest { CorrelationId = id, Request = new AssessAfterSalesRequest { Case = Mapping.Case((CoreAfter.AfterSalesCase)c), Pin = Pin(pin), View = _view } },
                    r => (r.CorrelationId, (IMessage?)r.Decision, r.Error), token),
            };
            await foreach (var result in results) yield return result;
        }

        private static async IAsyncEnumerable<BatchItem> Concat(List<BatchItem> first, IAsyncEnumerator<BatchItem> rest, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
        {
            foreach (var item in first) yield return item;
            while (await rest.MoveNextAsync())
            {
                token.ThrowIfCancellationRequested();
                yield return rest.Current;
            }
        }

        /// <summary>
        /// Sends the cases on one AssessStream call (line numbers as correlation ids) while reading the answers, which
        /// come in order: a bounded queue of the items sent keeps at most <see cref="Window"/> unanswered.
        /// </summary>
        private static async IAsyncEnumerable<(BatchItem Item, ItemResult Result)> Stream<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call,
            IAsyncEnumerable<BatchItem> items, Func<string, object, TRequest> request, Func<TResponse, (string Id, IMessage? Decision, ItemError? Error)> read,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
            var sent = System.Threading.Channels.Channel.CreateBounded<BatchItem>(new System.Threading.Channels.BoundedChannelOptions(Window) { SingleReader = true, SingleWriter = true });
            using (call)
            {
                var writer = Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var item in items.WithCancellation(stop.Token))
                        {
                            await sent.Writer.WriteAsync(item, stop.Token);
                            if (item.Case is not null)
                                await call.RequestStream.WriteAsync(request(item.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), item.Case), stop.Token);
                        }
                        await call.RequestStream.CompleteAsync();
                        sent.Writer.Complete();
                    }
                    catch (Exception e)
                    {
                        sent.Writer.Complete(e);
                    }
                }, stop.Token);
                try
                {
                    await foreach (var item in sent.Reader.ReadAllAsync(stop.Token))
                    {
                        if (item.Case is null)
                        {
                            yield return (item, Refused(item));
                            continue;
                        }
                        if (!await call.ResponseStream.MoveNext(stop.Token))
                            throw new RpcException(new Status(StatusCode.Internal, $"the stream ended before the answer for line {item.Line}"));
                        var (id, decision, error) = read(call.ResponseStream.Current);
                        if (id != item.Line.ToString(System.Globalization.CultureInfo.InvariantCulture))
                            throw new RpcException(new Status(StatusCode.Internal, $"the answer for line {id} came where line {item.Line} was expected"));
                        yield return (item, new ItemResult(item.Line, error is null ? decision : null, error));
                    }
                }
                finally
                {
                    await stop.CancelAsync();
                    await writer;
                }
            }
        }

        private static Contracts.V1.RulePin? Pin(RulePin? pin) =>
            pin is null ? null : new Contracts.V1.RulePin { RuleSetId = pin.RuleSetId, Version = pin.Version, ContentHash = pin.ContentHash ?? "" };
    }
}
