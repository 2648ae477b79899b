using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.Rules;
using RulePin = Penalties.Core.Rules.RulePin;
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

    /// <summary>Assesses many cases; on a server this is one AssessStream call.</summary>
    public abstract IAsyncEnumerable<ItemResult> AssessManyAsync(IEnumerable<(int Line, object Case)> cases, RulePin? pin, CancellationToken token);

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

        public override async IAsyncEnumerable<ItemResult> AssessManyAsync(IEnumerable<(int Line, object Case)> cases, RulePin? pin, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
        {
            foreach (var (line, c) in cases)
            {
                token.ThrowIfCancellationRequested();
                yield return Assess(line, c, pin);
            }
            await Task.CompletedTask;
        }

        private ItemResult Assess(int line, object c, RulePin? pin)
        {
            try
            {
                IMessage decision = c switch
                {
                    CoreLate.LateShipmentCase late => Mapping.Decision(CoreLate.LateShipmentCalculator.Assess(catalog, late, pin), explain),
                    CorePrice.PriceMatchCase price => Mapping.Decision(CorePrice.PriceMatchCalculator.Assess(catalog, price, pin), explain),
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
                    _ => throw new ArgumentException("unsupported case type", nameof(c)),
                };
            }
            catch (RpcException e) when (e.StatusCode is not (StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled))
            {
                var status = e.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)e.StatusCode, Message = e.Status.Detail };
                return new ItemResult(line, null, CallerErrors.ToItemError(status, "request."));
            }
        }

        public override IAsyncEnumerable<ItemResult> AssessManyAsync(IEnumerable<(int Line, object Case)> cases, RulePin? pin, CancellationToken token)
        {
            var list = cases.ToList();
            if (list.Count == 0) return AsyncEnumerable.Empty<ItemResult>();
            return list[0].Case is CoreLate.LateShipmentCase
                ? Stream(new LateShipment.LateShipmentClient(_channel).AssessStream(cancellationToken: token), list,
                    (id, c) => new AssessLateShipmentStreamRequest { CorrelationId = id, Request = new AssessLateShipmentRequest { Case = Mapping.Case((CoreLate.LateShipmentCase)c), Pin = Pin(pin), View = _view } },
                    r => (r.CorrelationId, r.Decision, r.Error), token)
                : Stream(new PriceMatch.PriceMatchClient(_channel).AssessStream(cancellationToken: token), list,
                    (id, c) => new AssessPriceMatchStreamRequest { CorrelationId = id, Request = new AssessPriceMatchRequest { Case = Mapping.Case((CorePrice.PriceMatchCase)c), Pin = Pin(pin), View = _view } },
                    r => (r.CorrelationId, r.Decision, r.Error), token);
        }

        /// <summary>Writes every case on one AssessStream call (line numbers as correlation ids) while reading the answers.</summary>
        private static async IAsyncEnumerable<ItemResult> Stream<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call, List<(int Line, object Case)> cases,
            Func<string, object, TRequest> request, Func<TResponse, (string Id, IMessage? Decision, ItemError? Error)> read,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
        {
            using (call)
            {
                var writer = Task.Run(async () =>
                {
                    foreach (var (line, c) in cases)
                        await call.RequestStream.WriteAsync(request(line.ToString(System.Globalization.CultureInfo.InvariantCulture), c), token);
                    await call.RequestStream.CompleteAsync();
                }, token);
                await foreach (var response in call.ResponseStream.ReadAllAsync(token))
                {
                    var (id, decision, error) = read(response);
                    yield return new ItemResult(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), error is null ? decision : null, error);
                }
                await writer;
            }
        }

        private static Contracts.V1.RulePin? Pin(RulePin? pin) =>
            pin is null ? null : new Contracts.V1.RulePin { RuleSetId = pin.RuleSetId, Version = pin.Version, ContentHash = pin.ContentHash ?? "" };
    }
}
