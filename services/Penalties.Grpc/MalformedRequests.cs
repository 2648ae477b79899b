using System.Reflection;
using Google.Protobuf;
using Penalties.Core.Common;
using Penalties.Grpc.Wire;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Penalties.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Penalties.Grpc;

/// <summary>
/// A request body that is not a valid protobuf message of the method's request type is INVALID_ARGUMENT. By
/// default grpc-dotnet parses the request before any interceptor runs and answers a parse failure as UNKNOWN
/// ("Exception was thrown by handler"), as if the service had failed. This binds every service's methods as
/// grpc-dotnet's own binder does (the generated BindService), with each request marshaller wrapped so that a
/// parse failure is an RpcException with the status to send.
/// </summary>
public static class MalformedRequests
{
    /// <summary>Replaces grpc-dotnet's method binder; call after every AddGrpc* registration.</summary>
    public static IServiceCollection AnswerMalformedRequestsAsInvalidArgument(this IServiceCollection services)
    {
        services.RemoveAll(typeof(IServiceMethodProvider<>));
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(ParsingMethodProvider<>)));
        return services;
    }

    /// <summary>The status of a request body that does not parse as <typeparamref name="TRequest"/>.</summary>
    private static RpcException Malformed<TRequest>(Exception e) =>
        Errors.ToRpcException(new InvalidCaseException([new FieldViolation("request", $"the request body is not a valid {typeof(TRequest).Name} message ({e.Message})")]));

    /// <summary>
    /// <paramref name="method"/> with a request parser that answers INVALID_ARGUMENT and counts it in the error metric under
    /// the method, as the error interceptor counts a refused call (a unary request is parsed before interceptors run, and
    /// a stream's message while the interceptor lets an RpcException pass).
    /// </summary>
    internal static Method<TRequest, TResponse> Parsing<TRequest, TResponse>(Method<TRequest, TResponse> method, PenaltiesMetrics metrics)
    {
        var parse = method.RequestMarshaller.ContextualDeserializer;
        var marshaller = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return parse(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                metrics.Error(method.FullName, EnumName<StatusCode>.Of(StatusCode.InvalidArgument));
                throw Malformed<TRequest>(e);
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }
}

/// <summary>
/// What grpc-dotnet's binder does for a service (its generated BindService, each method invoked on the service instance), with parsing requests
/// that fail answered INVALID_ARGUMENT, and an RPC that the service answers on the wire (a method marked <see cref="OnTheWireAttribute"/>)
/// bound to that method with the <see cref="WireResponse"/> marshaller.
/// </summary>
internal sealed class ParsingMethodProvider<TService>(PenaltiesMetrics metrics) : IServiceMethodProvider<TService> where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } bind) continue;
            var method = bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                ?? throw new InvalidOperationException($"{bind.BindType}.{bind.BindMethodName}(ServiceBinderBase, {type.Name}) not found for gRPC service {typeof(TService).Name}");
            var binder = new Binder(context, type, metrics);
            method.Invoke(null, [binder, null]);
            binder.ThrowIfAnyOnTheWireUnbound();
            return;
        }
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type serviceBase, PenaltiesMetrics metrics) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            if (OnTheWire(method) is { } wire)
                context.AddUnaryMethod(Wire(method), Metadata(wire),
                    Invoker<global::Grpc.AspNetCore.Server.Model.UnaryServerMethod<TService, TRequest, WireResponse>>(wire));
            else
                context.AddUnaryMethod(MalformedRequests.Parsing(method, metrics), Metadata(method, out var m),
                    Invoker<global::Grpc.AspNetCore.Server.Model.UnaryServerMethod<TService, TRequest, TResponse>>(m));
        }

        // A server- or client-streaming RPC is never answered on the wire: a method marked for one stays unbound (start-up fails).
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(MalformedRequests.Parsing(method, metrics), Metadata(method, out var m),
                Invoker<global::Grpc.AspNetCore.Server.Model.ServerStreamingServerMethod<TService, TRequest, TResponse>>(m));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(MalformedRequests.Parsing(method, metrics), Metadata(method, out var m),
                Invoker<global::Grpc.AspNetCore.Server.Model.ClientStreamingServerMethod<TService, TRequest, TResponse>>(m));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            if (OnTheWire(method) is { } wire)
                context.AddDuplexStreamingMethod(Wire(method), Metadata(wire),
                    Invoker<global::Grpc.AspNetCore.Server.Model.DuplexStreamingServerMethod<TService, TRequest, WireResponse>>(wire));
            else
                context.AddDuplexStreamingMethod(MalformedRequests.Parsing(method, metrics), Metadata(method, out var m),
                    Invoker<global::Grpc.AspNetCore.Server.Model.DuplexStreamingServerMethod<TService, TRequest, TResponse>>(m));
        }

        /// <summary>The service's implementation of <paramref name="method"/> (the override of the generated base's method of that name) and the endpoint metadata.</summary>
        private List<object> Metadata(IMethod method, out MethodInfo implementation)
        {
            implementation = typeof(TService).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Single(m => m.Name == method.Name && m.GetBaseDefinition().DeclaringType == serviceBase);
            return Metadata(implementation);
        }

        /// <summary>The endpoint metadata of an implementation: its attributes and the service's.</summary>
        private static List<object> Metadata(MethodInfo implementation) =>
            [.. typeof(TService).GetCustomAttributes(inherit: true), .. implementation.GetCustomAttributes(inherit: true)];

        private readonly HashSet<MethodInfo> _boundOnTheWire = [];

        /// <summary>The service's method marked to answer <paramref name="method"/> on the wire (<see cref="OnTheWireAttribute"/>), if any.</summary>
        private MethodInfo? OnTheWire(IMethod method)
        {
            var wire = typeof(TService).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .SingleOrDefault(m => m.GetCustomAttribute<OnTheWireAttribute>() is { } a && a.Rpc == method.Name);
            if (wire is not null) _boundOnTheWire.Add(wire);
            return wire;
        }

        /// <summary>A method marked <see cref="OnTheWireAttribute"/> that no unary or bidirectional RPC was bound to (a misspelt name, another kind of RPC) would leave its RPC unimplemented: the host does not start.</summary>
        public void ThrowIfAnyOnTheWireUnbound()
        {
            var unbound = typeof(TService).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.GetCustomAttribute<OnTheWireAttribute>() is not null && !_boundOnTheWire.Contains(m))
                .Select(m => $"{m.Name} [OnTheWire(\"{m.GetCustomAttribute<OnTheWireAttribute>()!.Rpc}\")]").ToList();
            if (unbound.Count > 0)
                throw new InvalidOperationException($"gRPC service {typeof(TService).Name}: {string.Join(", ", unbound)} names no unary or bidirectional RPC of {serviceBase.Name}");
        }

        /// <summary><paramref name="method"/> answered with <see cref="WireResponse"/>s: its parsing request marshaller, the wire response marshaller.</summary>
        private Method<TRequest, WireResponse> Wire<TRequest, TResponse>(Method<TRequest, TResponse> method) where TRequest : class where TResponse : class
        {
            var parsing = MalformedRequests.Parsing(method, metrics);
            return new Method<TRequest, WireResponse>(parsing.Type, parsing.ServiceName, parsing.Name, parsing.RequestMarshaller, WireResponse.Marshaller);
        }

        /// <summary>An open-instance delegate: the implementation called on the instance grpc-dotnet activates per call.</summary>
        private static TDelegate Invoker<TDelegate>(MethodInfo implementation) where TDelegate : Delegate =>
            (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), null, implementation);
    }
}
