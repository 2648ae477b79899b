using Penalties.Contracts;
using System.Reflection;
using Google.Protobuf;
using Penalties.Core.Common;
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
                metrics.Error(method.FullName, StatusCode.InvalidArgument.ToString());
                throw Malformed<TRequest>(e);
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }
}

/// <summary>
/// What grpc-dotnet's binder does for a service (its generated BindService, each method invoked on the service instance),
/// with each request marshaller wrapped by <see cref="MalformedRequests.Parsing"/>.
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
            method.Invoke(null, [new Binder(context, type, metrics), null]);
            return;
        }
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type serviceBase, PenaltiesMetrics metrics) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(MalformedRequests.Parsing(method, metrics), Metadata(method, out var m),
                Invoker<global::Grpc.AspNetCore.Server.Model.UnaryServerMethod<TService, TRequest, TResponse>>(m));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(MalformedRequests.Parsing(method, metrics), Metadata(method, out var m),
                Invoker<global::Grpc.AspNetCore.Server.Model.ServerStreamingServerMethod<TService, TRequest, TResponse>>(m));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(MalformedRequests.Parsing(method, metrics), Metadata(method, out var m),
                Invoker<global::Grpc.AspNetCore.Server.Model.ClientStreamingServerMethod<TService, TRequest, TResponse>>(m));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(MalformedRequests.Parsing(method, metrics), Metadata(method, out var m),
                Invoker<global::Grpc.AspNetCore.Server.Model.DuplexStreamingServerMethod<TService, TRequest, TResponse>>(m));

        /// <summary>The service's implementation of <paramref name="method"/> (the override of the generated base's method of that name) and the endpoint metadata: its attributes and the service's.</summary>
        private List<object> Metadata(IMethod method, out MethodInfo implementation)
        {
            implementation = typeof(TService).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Single(m => m.Name == method.Name && m.GetBaseDefinition().DeclaringType == serviceBase);
            return [.. typeof(TService).GetCustomAttributes(inherit: true), .. implementation.GetCustomAttributes(inherit: true)];
        }

        /// <summary>An open-instance delegate: the implementation called on the instance grpc-dotnet activates per call.</summary>
        private static TDelegate Invoker<TDelegate>(MethodInfo implementation) where TDelegate : Delegate =>
            (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), null, implementation);
    }
}
