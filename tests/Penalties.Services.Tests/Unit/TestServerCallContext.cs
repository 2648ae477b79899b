using Grpc.Core;

namespace Penalties.Services.Tests.Unit;

/// <summary>
/// A call context for calling a service method directly (as grpc-dotnet's Tester example does): no deadline, no
/// headers unless given.
/// </summary>
internal sealed class TestServerCallContext(string method, Metadata? requestHeaders = null, CancellationToken cancellationToken = default) : ServerCallContext
{
    private readonly Dictionary<object, object> _userState = [];

    protected override string MethodCore => method;
    protected override string HostCore => "localhost";
    protected override string PeerCore => "ipv4:127.0.0.1:1";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore => requestHeaders ?? [];
    protected override CancellationToken CancellationTokenCore => cancellationToken;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore { get; } = new(null, []);
    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}

/// <summary>A request stream of given messages, and a response stream that keeps what is written.</summary>
internal sealed class TestStreams<TRequest, TResponse>(IEnumerable<TRequest> requests) : IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>
{
    private readonly IEnumerator<TRequest> _requests = requests.GetEnumerator();

    public List<TResponse> Written { get; } = [];

    public TRequest Current => _requests.Current;

    public Task<bool> MoveNext(CancellationToken cancellationToken) => Task.FromResult(_requests.MoveNext());

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(TResponse message)
    {
        Written.Add(message);
        return Task.CompletedTask;
    }
}
