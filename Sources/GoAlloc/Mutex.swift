#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex that lives in place inside GoAlloc's metadata (mmapped memory) and is never
/// copied once initialised. pthread mutexes never allocate, so they are safe on malloc's paths.
struct Mutex {
    private var raw = pthread_mutex_t()

    mutating func initialize() {
        pthread_mutex_init(&raw, nil)
    }

    mutating func lock() {
        pthread_mutex_lock(&raw)
    }

    mutating func unlock() {
        pthread_mutex_unlock(&raw)
    }
}
