using Penalties.Grpc;

// penalties-penalty-points: Dapr app id and service name; port 5103 unless --urls or ASPNETCORE_URLS say otherwise.
await PenaltiesHost.Create(args, "penalties-penalty-points", PenaltiesServices.PenaltyPoints, "http://127.0.0.1:5103").RunAsync();
