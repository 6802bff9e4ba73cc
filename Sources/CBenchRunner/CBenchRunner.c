#define _GNU_SOURCE // posix_spawn_file_actions_addclosefrom_np
#include "CBenchRunner.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>

// A fixed table the handler can read without locks: the runner starts one worker at a time, a
// few at most if that ever changes.
enum { SLOTS = 16 };
static _Atomic pid_t groups[SLOTS];

void benchrunner_worker_started(pid_t group) {
    for (int i = 0; i < SLOTS; i++) {
        pid_t empty = 0;
        if (atomic_compare_exchange_strong(&groups[i], &empty, group)) return;
    }
}

void benchrunner_worker_ended(pid_t group) {
    for (int i = 0; i < SLOTS; i++) {
        pid_t expected = group;
        if (atomic_compare_exchange_strong(&groups[i], &expected, 0)) return;
    }
}

int benchrunner_exited(pid_t pid, int milliseconds) {
    struct timespec tick = {0, 1000 * 1000};
    for (int waited = 0;; waited += 1) {
        siginfo_t info;
        info.si_pid = 0;
        int result = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT | WNOHANG);
        if (result == 0 && info.si_pid == pid) return 1;
        if (result < 0 && errno != EINTR) return 1;
        if (milliseconds >= 0 && waited >= milliseconds) return 0;
        nanosleep(&tick, NULL);
    }
}

static void terminate(int signal_number) {
    int saved = errno;
    for (int i = 0; i < SLOTS; i++) {
        pid_t group = atomic_load(&groups[i]);
        if (group <= 0) continue;
        kill(-group, signal_number);
        if (!benchrunner_exited(group, 500)) kill(-group, SIGKILL);
        benchrunner_exited(group, 2000);
        kill(-group, SIGKILL); // what the worker started, while the exited leader still holds the group's id
        waitpid(group, NULL, WNOHANG);
        atomic_store(&groups[i], 0);
    }
    errno = saved;
    // Die of the same signal, as the runner would have without this handler.
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

void benchrunner_forward_termination(void) {
    struct sigaction action = {0};
    action.sa_handler = terminate;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    sigaddset(&action.sa_mask, SIGHUP);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    // A runner started with these signals blocked (inherited from whatever started it) would
    // never see them.
    sigprocmask(SIG_UNBLOCK, &action.sa_mask, NULL);
}

int benchrunner_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}
