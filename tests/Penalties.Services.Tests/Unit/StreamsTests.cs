using Google.Rpc;
using Penalties.Grpc;

namespace Penalties.Services.Tests.Unit;

/// <summary>A batch stream answers every item in order, whatever deciding one of them does.</summary>
public class StreamsTests
{
    [Fact]
    public async Task A_good_item_a_failing_item_a_refused_item_and_a_good_item_are_four_answers_in_order()
    {
        var streams = new TestStreams<int, string>([1, 2, 3, 4]);
        await Streams.Run(streams, streams, new TestServerCallContext("/penalties.v1.Test/AssessStream"), UnitServices.Metrics, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            i => i switch
            {
                2 => throw new InvalidOperationException("a bug"),
                3 => throw new Core.Common.InvalidCaseException([new Core.Common.FieldViolation("case.orderId", "is required")]),
                _ => $"decided {i}",
            },
            (i, error) => $"error {i}: {(Code)error.Code} {error.Message} [{string.Join(", ", error.FieldViolations.Select(v => v.Field))}]");

        Assert.Equal(
        [
            "decided 1",
            "error 2: Internal internal error []",
            "error 3: InvalidArgument invalid request: 1 field violation(s): request.case.order_id: is required [request.case.order_id]",
            "decided 4",
        ], streams.Written);
    }
}
