// fleet-exporter reads /proc and talks to systemd and tmux: it is a Linux program.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
