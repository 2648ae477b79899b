using Penalties.Grpc;

// penalties-claims: Dapr app id and service name; port 5105 unless --urls or ASPNETCORE_URLS say otherwise.
await PenaltiesHost.Create(args, "penalties-claims", PenaltiesServices.Claims, "http://127.0.0.1:5105").RunAsync();
