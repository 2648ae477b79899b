using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using DaprService = Dapr.Client.Autogen.Grpc.v1.Dapr;

namespace Penalties.Services.Tests.Integration.Dapr;

/// <summary>A call the double's invocation proxy forwarded: to which app, which method, and the deadline header it carried.</summary>
public sealed record ForwardedCall(string AppId, string Method, string? GrpcTimeout);

/// <summary>
/// TEST DOUBLE of one daprd 1.19 sidecar (no daprd can run here): a Kestrel app on loopback with a gRPC port (HTTP/2)
/// and an HTTP port (HTTP/1.1), implementing on the runtime's own contracts (Dapr.Protos) only the subset the Penalties
/// code uses, each behaviour following the Dapr documentation page cited beside it:
/// <list type="bullet">
/// <item>the gRPC invocation proxy ("How-To: Invoke services using gRPC"): a call carrying <c>dapr-app-id</c> is forwarded, headers
/// (deadline included), body and trailers, to that app;</item>
/// <item>PublishEvent ("Pub/sub API", "CloudEvents in Dapr Pub/Sub"): wrapped as a CloudEvent and handed to the shared broker;</item>
/// <item>GetState, SaveState, DeleteState, ExecuteStateTransaction ("State management API", "State management overview":
/// ETags, first-write) over a real Redis, keys prefixed with the app id, and the transactional outbox ("How-To: Enable
/// the transactional outbox pattern");</item>
/// <item>GetMetadata and the health endpoints ("Metadata API", "Health API") so the SDK's WaitForSidecarAsync works.</item>
/// </list>
/// Start it, start the app with <see cref="HostArgs"/>, then <see cref="AttachApp"/> the app's address (daprd's --app-port).
/// </summary>
public sealed class SidecarDouble : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ForwardedCall> _forwarded = new();

    private SidecarDouble(DaprNetworkDouble network, string appId, int grpcPort, int httpPort, WebApplication app)
    {
        Network = network;
        AppId = appId;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        _app = app;
    }

    public DaprNetworkDouble Network { get; }
    public string AppId { get; }
    public int GrpcPort { get; }
    public int HttpPort { get; }
    public string GrpcEndpoint => $"http://127.0.0.1:{GrpcPort.ToString(CultureInfo.InvariantCulture)}";
    public string HttpEndpoint => $"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The address of the app this sidecar fronts; null until attached.</summary>
    public string? AppAddress { get; private set; }

    /// <summary>The host arguments that point an app at this sidecar.</summary>
    public string[] HostArgs => HostArgsFor(GrpcEndpoint, HttpEndpoint);

    public static string[] HostArgsFor(string grpcEndpoint, string httpEndpoint) =>
        ["--Penalties:Dapr:Enabled", "true", "--Penalties:Dapr:GrpcEndpoint", grpcEndpoint, "--Penalties:Dapr:HttpEndpoint", httpEndpoint];

    public IReadOnlyList<ForwardedCall> ForwardedCalls => [.. _forwarded];

    /// <summary>The app's subscriptions as it last listed them; null until asked.</summary>
    internal IReadOnlyList<global::Dapr.AppCallback.Autogen.Grpc.v1.TopicSubscription>? Subscriptions { get; set; }

    /// <summary>The app address <see cref="Subscriptions"/> were listed by: daprd asks an app once, when it comes up, not per event.</summary>
    internal string? SubscriptionsListedBy { get; set; }

    /// <summary>Fronts the app at this address (again, after the app restarted on another port: its topics are listed again).</summary>
    public void AttachApp(string appAddress) => AppAddress = appAddress;

    /// <summary>No app behind this sidecar: calls to it are UNAVAILABLE and events published meanwhile are not delivered to it. (A stopped app still attached gets failing attempts, redelivered, then dead-lettered.)</summary>
    public void DetachApp() => AppAddress = null;

    /// <summary>Starts a sidecar for <paramref name="appId"/>, on the given ports or free ones.</summary>
    public static async Task<SidecarDouble> StartAsync(DaprNetworkDouble network, string appId, int? grpcPort = null, int? httpPort = null)
    {
        int g = grpcPort ?? RedisServer.FreePort(), h = httpPort ?? RedisServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(DaprNetworkDouble.Loopback(g), o => o.Protocols = HttpProtocols.Http2);
            k.Listen(DaprNetworkDouble.Loopback(h), o => o.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddGrpc();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<DaprApiDouble>, DaprApiMethods>());
        SidecarDouble? sidecar = null;
        builder.Services.AddSingleton(_ => new DaprApiDouble(sidecar!));
        var app = builder.Build();
        sidecar = new SidecarDouble(network, appId, g, h, app);
        app.Use(sidecar.ProxyAsync);
        app.MapGrpcService<DaprApiDouble>();
        // Health API: 204 when the sidecar (and, for /outbound, its components) are ready.
        app.MapGet("/v1.0/healthz", () => Results.NoContent());
        app.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        network.Join(sidecar);
        await app.StartAsync();
        return sidecar;
    }

    private static readonly HttpClient Forwarder = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
        { "host", "dapr-app-id", "content-type", "content-length", "transfer-encoding", "connection" };

    /// <summary>
    /// The invocation proxy ("How-To: Invoke services using gRPC"): the caller's gRPC request, sent to its local sidecar with
    /// <c>dapr-app-id</c>, reaches that app with the same path, metadata (grpc-timeout too: deadlines hold across the hop),
    /// body; the app's response headers, body and trailers come back unchanged. An unknown app id is UNAVAILABLE.
    /// </summary>
    private async Task ProxyAsync(HttpContext context, RequestDelegate next)
    {
        var appId = context.Request.Headers["dapr-app-id"].ToString();
        if (appId.Length == 0)
        {
            await next(context);
            return;
        }
        _forwarded.Enqueue(new ForwardedCall(appId, context.Request.Path, context.Request.Headers["grpc-timeout"].FirstOrDefault()));
        if (Network.Resolve(appId) is not { } target)
        {
            Unavailable(context, $"failed to resolve address for '{appId}'");
            return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(target), context.Request.Path + context.Request.QueryString))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StreamContent(context.Request.Body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(context.Request.ContentType ?? "application/grpc");
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.StartsWith(':') || NotForwarded.Contains(name)) continue;
            request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        HttpResponseMessage response;
        try
        {
            response = await Forwarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            Unavailable(context, $"app '{appId}' is not reachable: {e.Message}"); // the app is down: the caller may retry
            return;
        }
        using var _ = response;
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (NotForwarded.Contains(name) && !name.Equals("content-type", StringComparison.OrdinalIgnoreCase)) continue;
            context.Response.Headers[name] = values.ToArray();
        }
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        foreach (var (name, values) in response.TrailingHeaders)
            context.Response.AppendTrailer(name, values.ToArray());
    }

    /// <summary>A trailers-only gRPC answer UNAVAILABLE, as daprd gives when it cannot resolve or reach the target app.</summary>
    private static void Unavailable(HttpContext context, string message)
    {
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)StatusCode.Unavailable).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }

    public async ValueTask DisposeAsync()
    {
        Network.Leave(this);
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The Dapr API (dapr.proto.runtime.v1.Dapr) methods the double serves, on Dapr.Protos' messages.</summary>
    internal sealed class DaprApiDouble(SidecarDouble sidecar)
    {
        private DaprNetworkDouble Network => sidecar.Network;

        /// <summary>"Pub/sub API": the data is wrapped in a CloudEvent whose id and type the <c>cloudevent.id</c>/<c>cloudevent.type</c> metadata override ("CloudEvents in Dapr Pub/Sub").</summary>
        public Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
        {
            if (request.PubsubName != Network.PubSubName)
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"pubsub {request.PubsubName} is not found"));
            if (string.IsNullOrEmpty(request.Topic))
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"topic is empty in pubsub {request.PubsubName}"));
            Network.Publish(CloudEvent(request.Metadata, request.Topic, request.PubsubName,
                string.IsNullOrEmpty(request.DataContentType) ? "application/json" : request.DataContentType, request.Data));
            return Task.FromResult(new Empty());
        }

        private CloudEventDouble CloudEvent(IDictionary<string, string> metadata, string topic, string pubsub, string contentType, ByteString data) => new(
            Override(metadata, "id") ?? Guid.NewGuid().ToString(),
            Override(metadata, "source") ?? sidecar.AppId,
            Override(metadata, "type") ?? "com.dapr.event.sent",
            contentType, data, topic, pubsub);

        // The docs name the keys both "cloudevent.id" (SDK examples) and "cloudevent-id": both are read.
        private static string? Override(IDictionary<string, string> metadata, string field) =>
            metadata.TryGetValue("cloudevent." + field, out var v) || metadata.TryGetValue("cloudevent-" + field, out v) ? v : null;

        /// <summary>"State management API", get state: the value and its ETag; a missing key is an empty answer, not an error.</summary>
        public async Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
        {
            CheckStore(request.StoreName);
            var fields = await Network.Redis.HashGetAsync(Key(request.Key), ["data", "version"]);
            var response = new GetStateResponse();
            if (!fields[0].IsNull)
            {
                response.Data = ByteString.CopyFrom((byte[])fields[0]!);
                response.Etag = fields[1].ToString();
            }
            return response;
        }

        /// <summary>"State management API", get bulk state: each key as GetState answers it, the gets issued in parallel (its <c>parallelism</c>; unbounded here).</summary>
        public async Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context)
        {
            var answers = await Task.WhenAll(request.Keys.Select(key => GetState(new GetStateRequest { StoreName = request.StoreName, Key = key }, context)));
            var response = new GetBulkStateResponse();
            response.Items.AddRange(request.Keys.Zip(answers, (key, one) => new BulkStateItem { Key = key, Data = one.Data, Etag = one.Etag }));
            return response;
        }

        /// <summary>"State management API", save state: each item on its own (a bulk save is not a transaction).</summary>
        public async Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
        {
            CheckStore(request.StoreName);
            foreach (var item in request.States)
                await ApplyAsync([new Operation("upsert", item.Key, item.Value, item.Etag?.Value, item.Options)], "saving state in state store " + request.StoreName);
            return new Empty();
        }

        public async Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context)
        {
            CheckStore(request.StoreName);
            await ApplyAsync([new Operation("delete", request.Key, ByteString.Empty, request.Etag?.Value, request.Options)], "deleting state with key " + request.Key);
            return new Empty();
        }

        /// <summary>
        /// "State management API", state transactions: every operation or none. On a component with the outbox configured
        /// ("How-To: Enable the transactional outbox pattern") each upsert is published to the outbox topic if and only if the transaction
        /// commits; an upsert carrying the metadata <c>outbox.projection: true</c> is the message for its key, not saved;
        /// <c>cloudevent.*</c> metadata on the operation sets the message's CloudEvent fields.
        /// </summary>
        public async Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context)
        {
            CheckStore(request.StoreName);
            var saved = new List<(TransactionalStateOperation Op, Operation Write)>();
            var projections = new Dictionary<string, TransactionalStateOperation>(StringComparer.Ordinal);
            foreach (var op in request.Operations)
            {
                if (op.OperationType is not ("upsert" or "delete"))
                    throw new RpcException(new Status(StatusCode.Unimplemented, $"operation type {op.OperationType} not supported"));
                var item = op.Request ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "operation without a request"));
                if (op.OperationType == "upsert" && item.Metadata.TryGetValue("outbox.projection", out var p) && p == "true")
                {
                    projections[item.Key] = op;
                    continue;
                }
                saved.Add((op, new Operation(op.OperationType, item.Key, item.Value, item.Etag?.Value, item.Options)));
            }
            await ApplyAsync([.. saved.Select(s => s.Write)], "executing state transaction in state store " + request.StoreName);
            if (Network.StateStores[request.StoreName] is { } topic)
            {
                foreach (var (op, write) in saved.Where(s => s.Write.Type == "upsert"))
                {
                    var message = projections.GetValueOrDefault(write.Key) ?? op;
                    var metadata = new Dictionary<string, string>(request.Metadata);
                    foreach (var (k, v) in message.Request.Metadata) metadata[k] = v;
                    Network.Publish(CloudEvent(metadata, topic, Network.PubSubName, "application/json", message.Request.Value));
                }
            }
            return new Empty();
        }

        /// <summary>"Metadata API": the app id and the registered components.</summary>
        public Task<GetMetadataResponse> GetMetadata(GetMetadataRequest request, ServerCallContext context)
        {
            var response = new GetMetadataResponse { Id = sidecar.AppId, RuntimeVersion = "1.19-double" };
            foreach (var store in Network.StateStores.Keys)
                response.RegisteredComponents.Add(new RegisteredComponents { Name = store, Type = "state.redis", Version = "v1" });
            response.RegisteredComponents.Add(new RegisteredComponents { Name = Network.PubSubName, Type = "pubsub.redis", Version = "v1" });
            return Task.FromResult(response);
        }

        private void CheckStore(string name)
        {
            if (!Network.StateStores.ContainsKey(name))
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"state store {name} is not found"));
        }

        /// <summary>Keys are prefixed with the app id ("State management overview": keyPrefix appid), so sidecars share one Redis.</summary>
        private RedisKey Key(string key) => $"{sidecar.AppId}||{key}";

        private sealed record Operation(string Type, string Key, ByteString Value, string? ETag, StateOptions? Options)
        {
            public bool FirstWrite => Options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;
        }

        // The Redis state store's rule, checked for every operation before any is applied (one script: atomic):
        // an ETag must equal the stored version (a missing key matches none); first-write without an ETag needs the key
        // to be absent; last-write without an ETag always applies. Returns the 1-based index of the first refused operation, or 0.
        private const string ApplyScript = """
            for i = 1, #KEYS do
              local b = (i - 1) * 4
              local version = redis.call('HGET', KEYS[i], 'version')
              local etag = ARGV[b + 3]
              if etag ~= '' then
                if (not version) or version ~= etag then return i end
              elseif ARGV[b + 4] == '1' and ARGV[b + 1] == 'upsert' and version then
                return i
              end
            end
            for i = 1, #KEYS do
              local b = (i - 1) * 4
              if ARGV[b + 1] == 'upsert' then
                redis.call('HSET', KEYS[i], 'data', ARGV[b + 2])
                redis.call('HINCRBY', KEYS[i], 'version', 1)
              else
                redis.call('DEL', KEYS[i])
              end
            end
            return 0
            """;

        /// <summary>Applies the operations atomically; an ETag mismatch is ABORTED and an ETag that is no version INVALID_ARGUMENT, with daprd's texts.</summary>
        private async Task ApplyAsync(IReadOnlyList<Operation> ops, string what)
        {
            if (ops.Count == 0) return;
            var args = new List<RedisValue>();
            foreach (var op in ops)
            {
                if (!string.IsNullOrEmpty(op.ETag) && !long.TryParse(op.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"failed {what}: invalid etag value: {op.ETag}"));
                args.Add(op.Type);
                args.Add(op.Value.ToByteArray());
                args.Add(op.ETag ?? "");
                args.Add(op.FirstWrite ? "1" : "0");
            }
            var refused = (long)await Network.Redis.ScriptEvaluateAsync(ApplyScript, [.. ops.Select(o => Key(o.Key))], [.. args]);
            if (refused > 0)
                throw new RpcException(new Status(StatusCode.Aborted,
                    $"failed {what}: possible etag mismatch. error from state store: failed to set key {sidecar.AppId}||{ops[(int)refused - 1].Key}"));
        }
    }

    /// <summary>
    /// Binds the methods above under the service name and method names of Dapr.Protos' own descriptor
    /// (dapr.proto.runtime.v1.Dapr), checking each message type against it: the package ships no server base for the
    /// Dapr service, and hand-written contracts could drift from the runtime's.
    /// </summary>
    internal sealed class DaprApiMethods : IServiceMethodProvider<DaprApiDouble>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprApiDouble> context)
        {
            Add<PublishEventRequest, Empty>(context, "PublishEvent", (s, r, c) => s.PublishEvent(r, c));
            Add<GetStateRequest, GetStateResponse>(context, "GetState", (s, r, c) => s.GetState(r, c));
            Add<GetBulkStateRequest, GetBulkStateResponse>(context, "GetBulkState", (s, r, c) => s.GetBulkState(r, c));
            Add<SaveStateRequest, Empty>(context, "SaveState", (s, r, c) => s.SaveState(r, c));
            Add<DeleteStateRequest, Empty>(context, "DeleteState", (s, r, c) => s.DeleteState(r, c));
            Add<ExecuteStateTransactionRequest, Empty>(context, "ExecuteStateTransaction", (s, r, c) => s.ExecuteStateTransaction(r, c));
            Add<GetMetadataRequest, GetMetadataResponse>(context, "GetMetadata", (s, r, c) => s.GetMetadata(r, c));
        }

        private static void Add<TRequest, TResponse>(ServiceMethodProviderContext<DaprApiDouble> context, string name,
            UnaryServerMethod<DaprApiDouble, TRequest, TResponse> handler)
            where TRequest : class, IMessage<TRequest>, new() where TResponse : class, IMessage<TResponse>, new() =>
            context.AddUnaryMethod(ProtoMethods.Unary<TRequest, TResponse>(DaprService.Descriptor, name), [], handler);
    }
}
