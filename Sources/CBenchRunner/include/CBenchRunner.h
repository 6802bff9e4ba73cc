// What the runner needs that Swift cannot do safely: a signal handler. Keep this small.
#ifndef CBENCHRUNNER_H
#define CBENCHRUNNER_H

#include <spawn.h>
#include <sys/types.h>

/// Records the process group of a worker that just started (its pid: each worker leads a group
/// of its own), so that the runner's termination reaches it.
void benchrunner_worker_started(pid_t group);
/// Forgets a worker's group once the worker has been waited for.
void benchrunner_worker_ended(pid_t group);
/// Installs handlers for SIGINT, SIGTERM and SIGHUP that end every recorded worker group (the
/// signal first, SIGKILL after 500 ms), wait for the workers, and then let the runner die of the
/// same signal, as it would have without the handler. Async-signal-safe throughout.
void benchrunner_forward_termination(void);

/// Whether child `pid` has exited, without reaping it (waitid with WNOWAIT): 1 once it has (or is
/// no child of ours any more), 0 after `milliseconds` (a negative value waits as long as it takes).
/// While the exited worker is not reaped, its process group's id cannot be reused, so the group
/// can be killed without reaching a stranger.
int benchrunner_exited(pid_t pid, int milliseconds);

/// Closes every descriptor from `lowest` up in the spawned process (glibc's
/// posix_spawn_file_actions_addclosefrom_np, which Swift's Glibc module leaves out): a worker
/// gets exactly the descriptors the runner gives it, and nothing it starts holds the runner's.
int benchrunner_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
