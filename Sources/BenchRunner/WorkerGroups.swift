import CBenchRunner

/// The workers running now, by process group, and the runner's termination forwarded to them:
/// SIGINT, SIGTERM or SIGHUP sent to the runner (a cancelled CI job, Ctrl-C, a supervisor) ends
/// every worker group and waits for it before the runner dies of the same signal, so no worker
/// outlives its run. The handler is C (CBenchRunner): only async-signal-safe calls.
public enum WorkerGroups {
    /// Installs the forwarding; `bench run` calls it before the first worker starts.
    public static func forwardTermination() {
        benchrunner_forward_termination()
    }

    static func started(_ group: pid_t) { benchrunner_worker_started(group) }
    static func ended(_ group: pid_t) { benchrunner_worker_ended(group) }
}
