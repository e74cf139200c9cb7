using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OutputGuard.ControlPlane.Api;

/// <summary>
/// A request that is not a valid message (a string that is not UTF-8, such as an encoded lone surrogate, or a
/// truncated field) fails while it is parsed, before any interceptor or handler runs, and gRPC would answer it
/// UNKNOWN. This binds every service's methods as gRPC does, with one difference: the request parser answers
/// InvalidArgument with what is wrong instead.
/// </summary>
public static class CheckedRequestParsing
{
    /// <summary>Replaces gRPC's method binding with one whose request parsing answers InvalidArgument; call after AddGrpc.</summary>
    public static IServiceCollection AddCheckedRequestParsing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var binder = services.FirstOrDefault(d =>
            d.ServiceType == typeof(IServiceMethodProvider<>) && d.ImplementationType?.Name.StartsWith("BinderServiceMethodProvider", StringComparison.Ordinal) == true);
        if (binder is null)
        {
            throw new InvalidOperationException("AddCheckedRequestParsing must follow AddGrpc (its method binder was not found)");
        }

        services.Remove(binder);
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(CheckedMethodProvider<>)));
        return services;
    }

    /// <summary>The request marshaller of <paramref name="marshaller"/> with a parser that refuses bad input as InvalidArgument.</summary>
    public static Marshaller<T> Checked<T>(Marshaller<T> marshaller)
    {
        ArgumentNullException.ThrowIfNull(marshaller);
        var parse = marshaller.ContextualDeserializer;
        return Marshallers.Create(marshaller.ContextualSerializer, context =>
        {
            try
            {
                return parse(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new RpcException(new Status(
                    StatusCode.InvalidArgument, $"the request is not a valid {typeof(T).Name} message: {InputLimits.Quote(e.Message)}"));
            }
        });
    }

    /// <summary>Finds the generated BindService of <typeparamref name="TService"/> and binds its methods through <see cref="CheckedBinder{TService}"/>.</summary>
    private sealed class CheckedMethodProvider<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TService> : IServiceMethodProvider<TService>
        where TService : class
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } bind)
                {
                    var method = bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                        ?? throw new InvalidOperationException($"{bind.BindType}.{bind.BindMethodName} was not found for {typeof(TService)}");
                    method.Invoke(null, [new CheckedBinder<TService>(context, type), null]);
                    return;
                }
            }
        }
    }

    /// <summary>Adds each method the generated code binds, with the checked request parser and the service's attributes as metadata.</summary>
    private sealed class CheckedBinder<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TService>(
        ServiceMethodProviderContext<TService> context, Type serviceBase) : ServiceBinderBase
        where TService : class
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Find<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(Checked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Find<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(Checked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Find<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(Checked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Find<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(Checked(method), metadata, invoker);
        }

        private static Method<TRequest, TResponse> Checked<TRequest, TResponse>(Method<TRequest, TResponse> method) =>
            new(method.Type, method.ServiceName, method.Name, CheckedRequestParsing.Checked(method.RequestMarshaller), method.ResponseMarshaller);

        /// <summary>The service's override of the generated method (an open delegate) and its metadata: the type's attributes, then the method's.</summary>
        private (TDelegate Invoker, List<object> Metadata) Find<TDelegate>(string name, params Type[] parameters)
            where TDelegate : Delegate
        {
            var handler = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
            if (handler is null || !handler.IsVirtual || handler.GetBaseDefinition().DeclaringType != serviceBase)
            {
                throw new InvalidOperationException($"{typeof(TService)} has no override of {serviceBase}.{name}");
            }

            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }
    }
}
