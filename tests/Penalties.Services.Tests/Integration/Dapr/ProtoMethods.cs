using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Google.Protobuf.WellKnownTypes;

namespace Penalties.Services.Tests.Integration.Dapr;

/// <summary>
/// gRPC method definitions built from Dapr.Protos' own descriptors: the package ships the Dapr service's client only
/// and the AppCallback service's server base only, and the double needs the other sides. The message types are checked
/// against the descriptor, so the double cannot drift from the runtime's contracts.
/// </summary>
internal static class ProtoMethods
{
    public static Method<TRequest, TResponse> Unary<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>, new() where TResponse : class, IMessage<TResponse>, new()
    {
        var descriptor = service.FindMethodByName(name) ?? throw new InvalidOperationException($"Dapr.Protos has no method {service.FullName}.{name}");
        if (descriptor.InputType.ClrType != typeof(TRequest) || descriptor.OutputType.ClrType != typeof(TResponse))
            throw new InvalidOperationException($"{name}: the double's message types differ from Dapr.Protos'");
        return new Method<TRequest, TResponse>(MethodType.Unary, service.FullName, name, Marshal<TRequest>(), Marshal<TResponse>());
    }

    private static Marshaller<T> Marshal<T>() where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);
    }
}

/// <summary>The calls daprd makes to an app's AppCallback service (topic list, deliveries), as a client.</summary>
public sealed class AppCallbackCaller(GrpcChannel channel)
{
    private static readonly Method<Empty, ListTopicSubscriptionsResponse> List =
        ProtoMethods.Unary<Empty, ListTopicSubscriptionsResponse>(AppCallback.Descriptor, "ListTopicSubscriptions");
    private static readonly Method<TopicEventRequest, TopicEventResponse> Deliver =
        ProtoMethods.Unary<TopicEventRequest, TopicEventResponse>(AppCallback.Descriptor, "OnTopicEvent");

    public async Task<ListTopicSubscriptionsResponse> ListTopicSubscriptionsAsync(CancellationToken cancellationToken = default) =>
        await channel.CreateCallInvoker().AsyncUnaryCall(List, null, new CallOptions(cancellationToken: cancellationToken), new Empty());

    public async Task<TopicEventResponse> OnTopicEventAsync(TopicEventRequest request, CancellationToken cancellationToken = default) =>
        await channel.CreateCallInvoker().AsyncUnaryCall(Deliver, null, new CallOptions(cancellationToken: cancellationToken), request);
}
