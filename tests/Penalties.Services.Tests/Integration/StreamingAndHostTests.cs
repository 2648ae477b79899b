using Microsoft.Extensions.DependencyInjection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>Batch streams, deadlines, health, reflection, limits, and a separate single-service host.</summary>
public class StreamingAndHostTests(AllInOneFixture fixture) : IClassFixture<AllInOneFixture>
{
    [Fact]
    public async Task A_stream_of_10000_cases_with_a_malformed_one_reports_it_and_goes_on()
    {
        var client = new LateShipment.LateShipmentClient(fixture.Host.Channel);
        using var call = client.AssessStream(deadline: DateTime.UtcNow.AddMinutes(2));
        const int count = 10_000, malformed = 5_000;
        var send = Task.Run(async () =>
        {
            for (int i = 0; i < count; i++)
            {
                var c = TmallLate(100m + i);
                if (i == malformed) c.PaidAt = null;
                await call.RequestStream.WriteAsync(new AssessLateShipmentStreamRequest { CorrelationId = $"item-{i}", Request = new AssessLateShipmentRequest { Case = c } });
            }
            await call.RequestStream.CompleteAsync();
        });
        var responses = new List<AssessLateShipmentStreamResponse>(count);
        await foreach (var r in call.ResponseStream.ReadAllAsync()) responses.Add(r);
        await send;

        Assert.Equal(count, responses.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"item-{i}"), responses.Select(r => r.CorrelationId));
        var bad = responses[malformed];
        Assert.Equal(AssessLateShipmentStreamResponse.ResultOneofCase.Error, bad.ResultCase);
        Assert.Equal((int)StatusCode.InvalidArgument, bad.Error.Code);
        Assert.Equal("request.case.paid_at", Assert.Single(bad.Error.FieldViolations).Field);
        Assert.All(responses.Where((_, i) => i != malformed), r => Assert.Equal(AssessLateShipmentStreamResponse.ResultOneofCase.Decision, r.ResultCase));
        Assert.Equal(Math.Min(0.3m * 5100m, 500m), Value(responses[5_000 + 1].Decision.BuyerPayout));
        // Streamed decisions have the unary shape: a one-line order is explained once, on its line.
        Assert.All(responses.Where((_, i) => i != malformed), r => Assert.True(r.Decision.Steps.Count == 0 && r.Decision.Lines.Single().Steps.Count > 0));
    }

    [Fact]
    public async Task A_stream_caller_that_waits_for_each_answer_before_sending_the_next_gets_it_at_once()
    {
        // Responses are held back only while the next request is already there: a caller in lock step is never kept waiting.
        var client = new LateShipment.LateShipmentClient(fixture.Host.Channel);
        using var call = client.AssessStream(deadline: DateTime.UtcNow.AddMinutes(1));
        for (int i = 0; i < 50; i++)
        {
            await call.RequestStream.WriteAsync(new AssessLateShipmentStreamRequest { CorrelationId = $"step-{i}", Request = new AssessLateShipmentRequest { Case = TmallLate(100m + i) } });
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Assert.True(await call.ResponseStream.MoveNext(wait.Token), $"no answer to step {i}");
            Assert.Equal($"step-{i}", call.ResponseStream.Current.CorrelationId);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task A_burst_sent_before_any_answer_is_read_is_answered_in_order_and_in_full()
    {
        // The whole batch is written first (responses are held back in groups while requests keep coming), then read.
        var client = new LateShipment.LateShipmentClient(fixture.Host.Channel);
        using var call = client.AssessStream(deadline: DateTime.UtcNow.AddMinutes(1));
        const int count = 1_000;
        for (int i = 0; i < count; i++)
            await call.RequestStream.WriteAsync(new AssessLateShipmentStreamRequest { CorrelationId = $"b-{i}", Request = new AssessLateShipmentRequest { Case = TmallLate(100m + i) } });
        await call.RequestStream.CompleteAsync();
        var ids = new List<string>(count);
        await foreach (var r in call.ResponseStream.ReadAllAsync()) ids.Add(r.CorrelationId);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"b-{i}"), ids);
    }

    [Fact]
    public async Task PriceMatch_stream_answers_each_item_with_its_correlation_id()
    {
        var client = new PriceMatch.PriceMatchClient(fixture.Host.Channel);
        using var call = client.AssessStream();
        var bad = JdPayable();
        bad.OrderedAt = At("2020-01-01 00:00");
        bad.ClaimedAt = At("2020-01-01 01:00");
        await call.RequestStream.WriteAsync(new AssessPriceMatchStreamRequest { CorrelationId = "a", Request = new AssessPriceMatchRequest { Case = JdPayable() } });
        await call.RequestStream.WriteAsync(new AssessPriceMatchStreamRequest { CorrelationId = "b", Request = new AssessPriceMatchRequest { Case = bad } });
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();
        Assert.Equal(["a", "b"], responses.Select(r => r.CorrelationId));
        Assert.Equal(42.00m, Value(responses[0].Decision.Payout));
        Assert.Equal((int)StatusCode.FailedPrecondition, responses[1].Error.Code);
    }

    [Fact]
    public async Task A_deadline_that_has_passed_is_DEADLINE_EXCEEDED()
    {
        var client = new LateShipment.LateShipmentClient(fixture.Host.Channel);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.AssessAsync(new AssessLateShipmentRequest { Case = TmallLate() }, deadline: DateTime.UtcNow.AddMilliseconds(-1)).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
    }

    [Fact]
    public async Task A_stream_that_outlives_its_deadline_is_ended_at_its_deadline()
    {
        var client = new LateShipment.LateShipmentClient(fixture.Host.Channel);
        var deadline = DateTime.UtcNow.AddSeconds(2);
        using var call = client.AssessStream(deadline: deadline);
        await call.RequestStream.WriteAsync(new AssessLateShipmentStreamRequest { CorrelationId = "1", Request = new AssessLateShipmentRequest { Case = TmallLate() } });
        Assert.True(await call.ResponseStream.MoveNext());
        // The client never completes its side; the deadline ends the call. Both sides watch it: the client's timer gives
        // DEADLINE_EXCEEDED; the server's end of the call (RST_STREAM CANCEL, its deadline taken from the grpc-timeout
        // header, rounded to whole milliseconds) can reach the client a moment before its own timer, which is CANCELLED
        // (grpc-dotnet reports DEADLINE_EXCEEDED for it only once its own deadline has passed; HTTP/2 cannot carry more).
        var e = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.Contains(e.StatusCode, new[] { StatusCode.DeadlineExceeded, StatusCode.Cancelled });
        Assert.InRange(DateTime.UtcNow - deadline, TimeSpan.FromMilliseconds(-20), TimeSpan.FromSeconds(5)); // at the deadline, not before
    }

    [Fact]
    public async Task The_health_service_reports_serving()
    {
        var health = new Health.HealthClient(fixture.Host.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task Reflection_lists_every_service()
    {
        var reflection = new ServerReflection.ServerReflectionClient(fixture.Host.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        foreach (var service in new[] { "penalties.v1.LateShipment", "penalties.v1.PriceMatch", "penalties.v1.PenaltyPoints", "penalties.v1.RuleSets", "grpc.health.v1.Health" })
            Assert.Contains(service, names);
    }

    [Fact]
    public async Task A_request_over_the_size_limit_is_RESOURCE_EXHAUSTED()
    {
        var client = new LateShipment.LateShipmentClient(fixture.Host.Channel);
        var c = TmallLate();
        c.OrderId = new string('x', 5 * 1024 * 1024);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.AssessAsync(new AssessLateShipmentRequest { Case = c }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
    }

    [Fact]
    public async Task A_separate_LateShipment_host_serves_only_its_own_service()
    {
        await using var host = await ServiceHost.StartAsync(PenaltiesServices.LateShipment);
        var d = (await new LateShipment.LateShipmentClient(host.Channel).AssessAsync(new AssessLateShipmentRequest { Case = TmallLate(2000m) })).Decision;
        Assert.Equal(500.00m, Value(d.BuyerPayout));
        var e = await Assert.ThrowsAsync<RpcException>(() => new PriceMatch.PriceMatchClient(host.Channel).AssessAsync(new AssessPriceMatchRequest { Case = JdPayable() }).ResponseAsync);
        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
        var health = new Health.HealthClient(host.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        // Only its own service is registered, and as one instance (grpc-dotnet would otherwise make one per call).
        Assert.Same(host.App.Services.GetService<Penalties.Grpc.Services.LateShipmentService>(), host.App.Services.GetService<Penalties.Grpc.Services.LateShipmentService>());
        Assert.NotNull(host.App.Services.GetService<Penalties.Grpc.Services.LateShipmentService>());
        Assert.Null(host.App.Services.GetService<Penalties.Grpc.Services.PriceMatchService>());
    }

    [Fact]
    public void Every_service_and_the_error_interceptor_are_one_instance_for_every_call()
    {
        var sp = fixture.Host.App.Services;
        Type[] types =
        [
            typeof(Penalties.Grpc.Services.LateShipmentService), typeof(Penalties.Grpc.Services.PriceMatchService),
            typeof(Penalties.Grpc.Services.PenaltyPointsService), typeof(Penalties.Grpc.Services.RuleSetsService),
            typeof(Penalties.Grpc.Claims.ClaimsService), typeof(Penalties.Grpc.Services.AfterSalesService), typeof(ErrorInterceptor),
        ];
        foreach (var type in types)
        {
            var first = sp.GetService(type);
            Assert.True(first is not null, $"{type.Name} is not registered");
            Assert.Same(first, sp.GetService(type));
        }
    }

    [Fact]
    public async Task A_host_with_invalid_rule_data_refuses_to_start_and_says_why()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "bad.json"), "{ \"ruleSet\": \"x\" }");
            var e = await Assert.ThrowsAsync<Penalties.Core.Rules.Loading.RuleLoadException>(() => ServiceHost.StartAsync(PenaltiesServices.All, "--Penalties:Rules:Directory", dir.FullName));
            Assert.Contains(e.Errors, x => x.File == "bad.json" && x.Path == "version");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

/// <summary>Request bodies that are not protobuf messages of the method's request type, sent as raw bytes.</summary>
public class MalformedRequestTests(AllInOneFixture fixture) : IClassFixture<AllInOneFixture>
{
    private static readonly Marshaller<byte[]> Raw = new(b => b, b => b);

    // Field 1 (the case), length-delimited, claiming 127 bytes where 2 follow: not a message of any type.
    private static readonly byte[] Truncated = [0x0A, 0x7F, 0x01, 0x02];

    private static Method<byte[], byte[]> Method(string service, string name, MethodType type) =>
        new(type, service, name, Raw, Raw);

    [Fact]
    public async Task A_unary_request_that_is_not_a_protobuf_message_is_INVALID_ARGUMENT_with_a_BadRequest_not_UNKNOWN()
    {
        var invoker = fixture.Host.Channel.CreateCallInvoker();
        using var metrics = new HostMetrics(fixture.Host);
        foreach (var (service, name) in new[] { ("penalties.v1.LateShipment", "Assess"), ("penalties.v1.PenaltyPoints", "Record"), ("penalties.v1.RuleSets", "Publish") })
        {
            var e = await Assert.ThrowsAsync<RpcException>(async () =>
                await invoker.AsyncUnaryCall(Method(service, name, MethodType.Unary), null, new CallOptions(), Truncated));
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.Contains("request body is not a valid", e.Status.Detail, StringComparison.Ordinal);
            var violation = Assert.Single(Assert.IsType<Google.Rpc.BadRequest>(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()).FieldViolations);
            Assert.Equal("request", violation.Field);
        }
        // The same host still answers well-formed calls; each refusal was counted, as a refused call is.
        Assert.Equal(TmallLatePayout, await TmallLatePayoutOf(new LateShipment.LateShipmentClient(fixture.Host.Channel)));
        Assert.Equal(3, metrics.Sum("penalties.errors"));
    }

    [Fact]
    public async Task A_malformed_message_in_a_stream_ends_it_INVALID_ARGUMENT_after_answering_the_ones_before()
    {
        var method = Method("penalties.v1.LateShipment", "AssessStream", MethodType.DuplexStreaming);
        using var metrics = new HostMetrics(fixture.Host);
        using var call = fixture.Host.Channel.CreateCallInvoker().AsyncDuplexStreamingCall(method, null, new CallOptions());
        await call.RequestStream.WriteAsync(Google.Protobuf.MessageExtensions.ToByteArray(new AssessLateShipmentStreamRequest { CorrelationId = "ok", Request = new AssessLateShipmentRequest { Case = TmallLate() } }));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("ok", AssessLateShipmentStreamResponse.Parser.ParseFrom(call.ResponseStream.Current).CorrelationId);
        await call.RequestStream.WriteAsync(Truncated);
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(1, metrics.Sum("penalties.errors"));
    }
}
