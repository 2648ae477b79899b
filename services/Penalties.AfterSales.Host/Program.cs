using Penalties.Grpc;

// penalties-after-sales: Dapr app id and service name; port 5106 unless --urls or ASPNETCORE_URLS say otherwise.
await PenaltiesHost.Create(args, "penalties-after-sales", PenaltiesServices.AfterSales, "http://127.0.0.1:5106").RunAsync();
