// The entry point of fleet-exporter-hook: the hook and heartbeat commands alone (see FleetExporter.Hook.csproj).
return await FleetExporter.Cli.FleetCli.RunHookBinaryAsync(args);
