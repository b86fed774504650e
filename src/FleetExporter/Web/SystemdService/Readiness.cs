using Microsoft.Extensions.Hosting.Systemd;

namespace FleetExporter.Web.SystemdService;

/// <summary>
/// sd_notify(3) for a <c>Type=notify</c> unit, through Microsoft.Extensions.Hosting.Systemd's notifier: READY=1 once
/// the exporter listens and its first collection has completed (what <c>/-/ready</c> reports), STOPPING=1 when it
/// stops. Without <c>NOTIFY_SOCKET</c> (not under systemd, or another Type=) it does nothing.
/// </summary>
public sealed class Readiness
{
    private readonly SystemdNotifier _notifier = new();

    public bool Enabled => _notifier.IsEnabled;

    public void Ready(string status)
    {
        if (!_notifier.IsEnabled) return;
        _notifier.Notify(new ServiceState("STATUS=" + status.ReplaceLineEndings(" ")));
        _notifier.Notify(ServiceState.Ready);
    }

    public void Stopping()
    {
        if (_notifier.IsEnabled) _notifier.Notify(ServiceState.Stopping);
    }
}
