using Penalties.Grpc;

// penalties: Dapr app id and service name; port 5100 unless --urls or ASPNETCORE_URLS say otherwise.
await PenaltiesHost.Create(args, "penalties", PenaltiesServices.All, "http://127.0.0.1:5100").RunAsync();
