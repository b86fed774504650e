return await FleetExporter.Cli.FleetCli.RunAsync(args);
