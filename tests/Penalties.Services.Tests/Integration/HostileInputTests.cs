using Penalties.Contracts;
using System.Collections.Concurrent;
using System.Text;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>
/// Refusals a client can read and logs no caller can blow up, on a host logging at Information with its log lines
/// captured.
/// </summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Text)> _lines = new();
    private ServiceHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceHost.StartAsync(PenaltiesServices.All, "--Logging:LogLevel:Default", "Information");
        _host.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(new LogCapture(_lines)); // the factory owns it
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_request_listing_19000_violations_is_a_short_INVALID_ARGUMENT_and_no_long_log_line()
    {
        var c = TmallLate();
        var line = c.Lines[0];
        c.Lines.Clear();
        for (int i = 0; i < 19_000; i++) c.Lines.Add(new OrderLine { LineId = $"{i}", Amount = new Money { CurrencyCode = "USD", Units = 1 }, ShippedAt = line.ShippedAt });
        var e = await Assert.ThrowsAsync<RpcException>(() => new LateShipment.LateShipmentClient(_host.Channel).AssessAsync(new AssessLateShipmentRequest { Case = c }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.InRange(e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Count, 1, CallerErrors.MaxListedViolations);
        Assert.InRange(StatusSize.Of(e), 1, 8 * 1024 - 1);
        Assert.All(_lines, l => Assert.InRange(l.Text.Length, 0, 4 * 1024));
        Assert.DoesNotContain(_lines, l => l.Category.StartsWith("Grpc.AspNetCore.Server", StringComparison.Ordinal) && l.Level < LogLevel.Warning);
    }

    [Fact]
    public async Task Ids_of_100_KiB_are_refused_with_their_own_code_in_a_short_status()
    {
        var id = new string('x', 100 * 1024);
        var pinned = await Assert.ThrowsAsync<RpcException>(() => new LateShipment.LateShipmentClient(_host.Channel)
            .AssessAsync(new AssessLateShipmentRequest { Case = TmallLate(), Pin = new RulePin { RuleSetId = id, Version = 1 } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, pinned.StatusCode);
        Assert.InRange(StatusSize.Of(pinned), 1, 8 * 1024 - 1);

        var revoke = await Assert.ThrowsAsync<RpcException>(() => new PenaltyPoints.PenaltyPointsClient(_host.Channel)
            .RevokeAsync(new RevokePenaltyRequest { MerchantId = id, CaseId = id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, revoke.StatusCode);
        Assert.InRange(StatusSize.Of(revoke), 1, 8 * 1024 - 1);
    }

    [Fact]
    public async Task A_rule_set_of_another_family_names_the_field_that_chose_it_and_no_internal_type()
    {
        var pinned = await Assert.ThrowsAsync<RpcException>(() => new LateShipment.LateShipmentClient(_host.Channel)
            .AssessAsync(new AssessLateShipmentRequest { Case = TmallLate(), Pin = new RulePin { RuleSetId = "tmall.penalty-points", Version = 1 } }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, pinned.StatusCode);
        Assert.Equal("pin.rule_set_id", Assert.Single(pinned.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        Assert.Equal("WRONG_RULE_SET", pinned.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);

        var named = await Assert.ThrowsAsync<RpcException>(() => new PenaltyPoints.PenaltyPointsClient(_host.Channel).AssessAsync(new AssessPenaltyRequest
        {
            RuleSetId = "tmall.late-shipment", Violation = Violation("c1", "INVOICE", "2024-03-01 10:00"),
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, named.StatusCode);
        var violation = Assert.Single(named.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal(("rule_set_id", "rule set 'tmall.late-shipment' version 1 is a LateShipment rule set, not a PenaltyPoints one"), (violation.Field, violation.Description));
        Assert.DoesNotContain("Parameters", named.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_item_that_fails_is_answered_and_the_items_after_it_too()
    {
        var overflowing = JdPayable();
        overflowing.Payments[0].Amount = new Money { CurrencyCode = "CNY", Units = long.MaxValue };
        using var call = new PriceMatch.PriceMatchClient(_host.Channel).AssessStream(deadline: DateTime.UtcNow.AddMinutes(1));
        foreach (var (id, c) in new[] { ("good", JdPayable()), ("fails", overflowing), ("after", JdPayable()) })
            await call.RequestStream.WriteAsync(new AssessPriceMatchStreamRequest { CorrelationId = id, Request = new AssessPriceMatchRequest { Case = c } });
        await call.RequestStream.CompleteAsync();
        var answers = new List<AssessPriceMatchStreamResponse>();
        await foreach (var a in call.ResponseStream.ReadAllAsync()) answers.Add(a);

        Assert.Equal(["good", "fails", "after"], answers.Select(a => a.CorrelationId));
        Assert.Equal(42.00m, Value(answers[0].Decision.Payout));
        // INTERNAL while the core lets the payout overflow; INVALID_ARGUMENT naming the amount once it bounds money.
        Assert.Contains((StatusCode)answers[1].Error.Code, new[] { StatusCode.Internal, StatusCode.InvalidArgument });
        Assert.Equal(42.00m, Value(answers[2].Decision.Payout));
    }

    /// <summary>Every log line the host writes, as text.</summary>
    private sealed class LogCapture(ConcurrentQueue<(string Category, LogLevel Level, string Text)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(string Category, LogLevel Level, string Text)> lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception)));
        }
    }
}

/// <summary>The bytes a status takes in the trailers as sent: grpc-message percent-encoded, binary trailers in base64.</summary>
internal static class StatusSize
{
    public static int Of(RpcException e)
    {
        int size = 0;
        foreach (var b in Encoding.UTF8.GetBytes(e.Status.Detail)) size += b is >= 0x20 and < 0x7f and not (byte)'%' ? 1 : 3;
        foreach (var t in e.Trailers) size += t.Key.Length + (t.IsBinary ? (t.ValueBytes.Length + 2) / 3 * 4 : Encoding.UTF8.GetByteCount(t.Value));
        return size;
    }
}
